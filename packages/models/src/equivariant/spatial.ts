// The plane on which the groups act: NHWC maps, row 0 at the top, rotation
// about the centre ((H-1)/2, (W-1)/2), positive angle = counter-clockwise as
// displayed (the convention of @sgvae/contracts' rotation, which every stage
// shares). In coordinates x = col - c, y = c - row (y up) a rotation g acts
// on a map f by (g f)(p) = f(g^-1 p).
import { bilinearRotationTable } from '@sgvae/contracts/rotation';
import * as tf from '@tensorflow/tfjs-core';
import { GridGeometryError } from './errors.ts';

/**
 * Rotates NHWC maps by k quarter turns counter-clockwise as an exact index
 * permutation (numpy's rot90 on the spatial axes): no value is recomputed.
 */
export function rot90<T extends tf.Tensor4D>(x: T, k: number): T {
  const q = ((k % 4) + 4) % 4;
  return tf.tidy(() => {
    if (q === 0) return tf.clone(x);
    if (q === 2) return tf.reverse(x, [1, 2]);
    const t = tf.transpose(x, [0, 2, 1, 3]);
    return tf.reverse(t, q === 1 ? 1 : 2);
  }) as T;
}

/** Quarter turns equal to `angle` (radians) if it is a multiple of 90 degrees, else null. */
export function quarterTurns(angle: number): number | null {
  const q = angle / (Math.PI / 2);
  const k = Math.round(q);
  return Math.abs(q - k) < 1e-9 ? ((k % 4) + 4) % 4 : null;
}

interface BilinearPlan {
  indices: Int32Array[];
  weights: Float32Array[];
}

const bilinearPlans = new Map<string, BilinearPlan>();

function bilinearPlan(height: number, width: number, angle: number): BilinearPlan {
  const key = `${height}x${width}@${angle}`;
  const cached = bilinearPlans.get(key);
  if (cached !== undefined) return cached;
  const n = height * width;
  // The project's one rotation map, snapped so that grid-exact angles (90 deg
  // and the like) stay an exact permutation; regrouped by tap for gathers.
  const table = bilinearRotationTable(height, width, angle, { snapToGrid: true });
  const indices = [0, 1, 2, 3].map(() => new Int32Array(n));
  const weights = [0, 1, 2, 3].map(() => new Float32Array(n));
  for (let p = 0; p < n; p++) {
    for (let t = 0; t < 4; t++) {
      const source = table.source[4 * p + t]!;
      indices[t]![p] = source < 0 ? 0 : source;
      weights[t]![p] = table.weight[4 * p + t]!;
    }
  }
  const plan = { indices, weights };
  bilinearPlans.set(key, plan);
  return plan;
}

/**
 * Rotates NHWC maps by `angle` radians counter-clockwise about their centre with
 * bilinear interpolation and zeros outside the map. Multiples of 90 degrees
 * reduce to an exact permutation. Meant for equivariance checks and test
 * inputs (smooth content inside the inscribed disk), not for data augmentation.
 */
export function rotateBilinear<T extends tf.Tensor4D>(x: T, angle: number): T {
  const [batch, height, width, channels] = x.shape;
  const plan = bilinearPlan(height, width, angle);
  return tf.tidy(() => {
    const flat = tf.reshape(x, [batch, height * width, channels]);
    let out: tf.Tensor | null = null;
    for (let t = 0; t < 4; t++) {
      const idx = tf.tensor1d(plan.indices[t]!, 'int32');
      const w = tf.tensor3d(plan.weights[t]!, [1, height * width, 1]);
      const term = tf.mul(tf.gather(flat, idx, 1), w);
      out = out === null ? term : tf.add(out, term);
    }
    return tf.reshape(out!, [batch, height, width, channels]);
  }) as T;
}

/**
 * escnn's MaskModule weights for an S x S map: 1 inside the disk of squared
 * radius t = (c (1 - margin/100))^2 around c = (S-1)/2, exp((t - r^2) / sigma^2)
 * outside (the decay is in squared distance, as in escnn). Row-major S*S values.
 */
export function diskMaskValues(size: number, margin = 0, sigma = 2): Float32Array {
  const c = (size - 1) / 2;
  const t = (c - (margin / 100) * c) ** 2;
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const r2 = (i - c) ** 2 + (j - c) ** 2;
      out[i * size + j] = r2 > t ? Math.exp((t - r2) / sigma ** 2) : 1;
    }
  }
  return out;
}

/** 1 for pixels with squared distance to the centre <= (radiusFraction * (S-1)/2)^2, else 0. */
export function diskIndicator(size: number, radiusFraction = 1): Float32Array {
  const c = (size - 1) / 2;
  const limit = (radiusFraction * c) ** 2 + 1e-9;
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) out[i * size + j] = (i - c) ** 2 + (j - c) ** 2 <= limit ? 1 : 0;
  }
  return out;
}

export interface ConvGeometry {
  inputSize: number;
  kernelSize: number;
  stride: number;
  padding: number;
}

/** Output size of a convolution with symmetric zero padding. */
export function convOutputSize(g: ConvGeometry): number {
  return Math.floor((g.inputSize + 2 * g.padding - g.kernelSize) / g.stride) + 1;
}

function centredProblem(g: ConvGeometry): string | null {
  const { inputSize: s, kernelSize: k, stride, padding: p } = g;
  if (k % 2 === 0) {
    return `kernel size ${k} is even: each output sample then sits halfway between input samples, so the rotation centre leaves the grid; use an odd kernel (3, 5, 7)`;
  }
  if (s % 2 === 0) {
    return `map size ${s} is even: the rotation centre (${(s - 1) / 2}, ${(s - 1) / 2}) falls between pixels; use an odd size (e.g. pad images to ${s + 1})`;
  }
  const span = s + 2 * p - k;
  if (span < 0) return `kernel ${k} with padding ${p} is larger than the ${s}x${s} map`;
  if (span % stride !== 0) {
    return `with size ${s}, kernel ${k}, padding ${p} and stride ${stride} the last sample is not the mirror image of the first ((size + 2*padding - kernel) = ${span} is not a multiple of the stride), so the grid is off-centre`;
  }
  const out = span / stride + 1;
  if (out % 2 === 0) {
    return `size ${s}, kernel ${k}, padding ${p} and stride ${stride} give an even ${out}x${out} map whose centre falls between samples`;
  }
  return null;
}

/** Input sizes near `size` that keep the centre on a sample for every layer of `layers`. */
export function suggestCentredSizes(size: number, layers: ReadonlyArray<Omit<ConvGeometry, 'inputSize'>>, count = 2): number[] {
  const ok = (s: number): boolean => {
    let cur = s;
    for (const l of layers) {
      const g = { ...l, inputSize: cur };
      if (centredProblem(g) !== null) return false;
      cur = convOutputSize(g);
    }
    return true;
  };
  const found: number[] = [];
  for (let d = 0; d < 64 && found.length < count; d++) {
    for (const s of d === 0 ? [size] : [size - d, size + d]) {
      if (s > 0 && ok(s) && !found.includes(s)) found.push(s);
    }
  }
  return found.sort((a, b) => a - b);
}

/**
 * Returns the output size of a convolution whose sampling grid keeps the
 * rotation centre on a sample (odd sizes, mirror-symmetric sampling), which is
 * what makes 90-degree rotations commute exactly with strided convolutions.
 * Throws a GridGeometryError naming `where` otherwise.
 */
export function assertCentredGrid(g: ConvGeometry, where: string): number {
  const problem = centredProblem(g);
  if (problem !== null) throw new GridGeometryError(`${where}: ${problem}`);
  return convOutputSize(g);
}

/** Whether the geometry keeps the centre on a sample (see assertCentredGrid). */
export function isCentredGrid(g: ConvGeometry): boolean {
  return centredProblem(g) === null;
}
