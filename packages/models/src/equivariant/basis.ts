// Steerable kernel bases on the pixel grid: circular harmonics cos/sin(k phi)
// times Gaussian rings, band-limited per ring with escnn's defaults (rings at
// evenly spaced radii out to the kernel's edge, Gaussian widths 0.6 px, 0.4 px
// for the outermost ring, and a frequency cut-off per ring; defaultRings), and
// the matrices that expand learned coefficients into the dense filters of C_N
// lifting and regular group convolutions.
//
// A filter of a C_N layer is one learned function psi on the plane; the filter
// for output orientation r is psi rotated by theta_r = 2 pi r / N. Because psi
// is a sum of analytic basis functions, each rotated copy is sampled exactly
// at the rotated coordinates (no interpolation). Rotations by multiples of
// 90 degrees are instead produced as index permutations of an already sampled
// copy, which makes the layer's 90-degree equivariance exact up to float
// summation order (analytic sampling would differ in the last bits).
import * as tf from '@tensorflow/tfjs-core';
import { BasisError } from './errors.ts';

export interface RingSpec {
  /** Radius of the ring in pixels. */
  radius: number;
  /** Width of its Gaussian profile exp(-(rho - radius)^2 / (2 sigma^2)). */
  sigma: number;
  /** Highest angular frequency sampled on this ring. */
  maxFrequency: number;
}

/**
 * escnn's default rings for a k x k kernel (R2Conv.compute_basis_params): ceil(k/2)
 * radii equally spaced from 0 to (k-1)//2; sigma 0.6, 0.4 on the outermost ring and
 * 0.005 at the origin; maximum frequency 0 at the origin, otherwise
 * min(2r, 2 on the outermost ring else 2r - ((r+1) mod 2)) (policy "fco1").
 * `frequencyCap`, if given, lowers every ring's maximum frequency to at most it.
 */
export function defaultRings(kernelSize: number, frequencyCap?: number): RingSpec[] {
  if (!Number.isInteger(kernelSize) || kernelSize < 1) {
    throw new BasisError(`kernel size must be a positive integer, got ${String(kernelSize)}`);
  }
  const count = Math.ceil(kernelSize / 2);
  const maxRadius = Math.floor((kernelSize - 1) / 2);
  const rings: RingSpec[] = [];
  for (let i = 0; i < count; i++) {
    const radius = count === 1 ? 0 : (maxRadius * i) / (count - 1);
    const outermost = i === count - 1;
    const sigma = radius === 0 ? 0.005 : outermost ? 0.4 : 0.6;
    let maxFrequency = radius === 0 ? 0 : Math.min(2 * radius, outermost ? 2 : 2 * radius - ((radius + 1) % 2));
    maxFrequency = Math.floor(maxFrequency);
    if (frequencyCap !== undefined) maxFrequency = Math.min(maxFrequency, frequencyCap);
    rings.push({ radius, sigma, maxFrequency });
  }
  return rings;
}

export interface HarmonicElement {
  ring: number;
  radius: number;
  sigma: number;
  frequency: number;
  phase: 'cos' | 'sin';
}

/** The basis functions of `rings`: frequency 0 (cos only), then cos and sin of 1..maxFrequency per ring. */
export function harmonicElements(rings: ReadonlyArray<RingSpec>): HarmonicElement[] {
  const out: HarmonicElement[] = [];
  rings.forEach((ring, i) => {
    for (let f = 0; f <= ring.maxFrequency; f++) {
      out.push({ ring: i, radius: ring.radius, sigma: ring.sigma, frequency: f, phase: 'cos' });
      if (f > 0) out.push({ ring: i, radius: ring.radius, sigma: ring.sigma, frequency: f, phase: 'sin' });
    }
  });
  return out;
}

/**
 * Samples one basis function rotated by `angle` (counter-clockwise) on the k x k
 * grid, row-major with row 0 at the top: value at offset q is psi(R(-angle) q), in
 * coordinates x = col - c, y = c - row. At the origin only frequency 0 survives.
 */
export function sampleHarmonic(el: HarmonicElement, kernelSize: number, angle = 0): Float64Array {
  const c = (kernelSize - 1) / 2;
  const out = new Float64Array(kernelSize * kernelSize);
  for (let i = 0; i < kernelSize; i++) {
    for (let j = 0; j < kernelSize; j++) {
      const x = j - c;
      const y = c - i;
      const rho = Math.hypot(x, y);
      const radial = Math.exp(-((rho - el.radius) ** 2) / (2 * el.sigma ** 2));
      let angular = 1;
      if (el.frequency > 0) {
        if (rho < 1e-9) angular = 0;
        else {
          const phi = Math.atan2(y, x) - angle;
          angular = el.phase === 'cos' ? Math.cos(el.frequency * phi) : Math.sin(el.frequency * phi);
        }
      }
      out[i * kernelSize + j] = radial * angular;
    }
  }
  return out;
}

/** Rotates a row-major k x k array by q quarter turns counter-clockwise (numpy rot90), exactly. */
export function rot90Grid(values: ArrayLike<number>, kernelSize: number, q: number): Float64Array {
  const k = kernelSize;
  const turns = ((q % 4) + 4) % 4;
  let cur = Float64Array.from(values);
  for (let t = 0; t < turns; t++) {
    const next = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[i * k + j] = cur[j * k + (k - 1 - i)]!;
    cur = next;
  }
  return cur;
}

export interface SteerableBasis {
  kernelSize: number;
  /** Kept elements (those with a non-negligible norm on the grid), in order. */
  elements: HarmonicElement[];
  /** Grid norm of each kept element before normalisation. */
  norms: number[];
}

export interface BasisOptions {
  /** Upper bound on the angular frequency of every ring (escnn's defaults otherwise). */
  maxFrequency?: number;
}

// Elements whose samples are this small carry no information on the grid
// (e.g. the origin ring of an even kernel, which has no pixel at the centre).
const MIN_ELEMENT_NORM = 1e-3;

const basisCache = new Map<string, SteerableBasis>();

/** The normalised steerable basis of a k x k kernel (cached per kernel size and options). */
export function steerableBasis(kernelSize: number, options: BasisOptions = {}): SteerableBasis {
  const key = `${kernelSize}:${options.maxFrequency ?? 'default'}`;
  const hit = basisCache.get(key);
  if (hit !== undefined) return hit;
  if (options.maxFrequency !== undefined && (!Number.isInteger(options.maxFrequency) || options.maxFrequency < 0)) {
    throw new BasisError(`maxFrequency must be a non-negative integer, got ${String(options.maxFrequency)}`);
  }
  const elements: HarmonicElement[] = [];
  const norms: number[] = [];
  for (const el of harmonicElements(defaultRings(kernelSize, options.maxFrequency))) {
    const s = sampleHarmonic(el, kernelSize, 0);
    const norm = Math.sqrt(s.reduce((a, v) => a + v * v, 0));
    if (norm > MIN_ELEMENT_NORM) {
      elements.push(el);
      norms.push(norm);
    }
  }
  if (elements.length === 0) {
    throw new BasisError(`a ${kernelSize}x${kernelSize} kernel has no usable steerable basis element; use kernel size 3 or more`);
  }
  const basis = { kernelSize, elements, norms };
  basisCache.set(key, basis);
  return basis;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The basis rotated by every element of C_N: values[(r * nBasis + b) * k*k + p].
 * Each element is divided by its unrotated grid norm, so rotated copies are
 * rotations of the same function. Orientations that differ by a multiple of
 * 90 degrees are exact index permutations of each other.
 */
export function rotatedBasis(kernelSize: number, order: number, options: BasisOptions = {}): { values: Float64Array; nBasis: number } {
  if (!Number.isInteger(order) || order < 1) throw new BasisError(`the group order must be a positive integer, got ${String(order)}`);
  const basis = steerableBasis(kernelSize, options);
  const nB = basis.elements.length;
  const kk = kernelSize * kernelSize;
  const values = new Float64Array(order * nB * kk);
  // C_N contains gcd(N, 4) rotations that are multiples of 90 degrees; the
  // other orientations are generated from the first `step` by quarter turns.
  const exact = gcd(order, 4);
  const step = order / exact;
  const quartersPerStep = 4 / exact;
  for (let r = 0; r < order; r++) {
    const r0 = r % step;
    const turns = Math.floor(r / step) * quartersPerStep;
    basis.elements.forEach((el, b) => {
      const sampled = sampleHarmonic(el, kernelSize, (2 * Math.PI * r0) / order);
      const rotated = turns === 0 ? sampled : rot90Grid(sampled, kernelSize, turns);
      const norm = basis.norms[b]!;
      const base = (r * nB + b) * kk;
      for (let p = 0; p < kk; p++) values[base + p] = rotated[p]! / norm;
    });
  }
  return { values, nBasis: nB };
}

export interface ExpansionMatrix {
  /** Row-major [rows, cols] float32 values. */
  values: Float32Array;
  rows: number;
  cols: number;
  nBasis: number;
}

const expansionCache = new Map<string, ExpansionMatrix>();

/**
 * Lifting (trivial -> regular of C_N): filter[(ky, kx, r), (fi, fo)] =
 * sum_b M[(ky, kx, r), b] w[b, (fi, fo)], so M is [k*k*N, nBasis].
 */
export function liftingExpansion(kernelSize: number, order: number, options: BasisOptions = {}): ExpansionMatrix {
  const key = `lift:${kernelSize}:${order}:${options.maxFrequency ?? 'default'}`;
  const hit = expansionCache.get(key);
  if (hit !== undefined) return hit;
  const { values: rb, nBasis } = rotatedBasis(kernelSize, order, options);
  const kk = kernelSize * kernelSize;
  const rows = kk * order;
  const m = new Float32Array(rows * nBasis);
  for (let p = 0; p < kk; p++) {
    for (let r = 0; r < order; r++) {
      const row = p * order + r;
      for (let b = 0; b < nBasis; b++) m[row * nBasis + b] = rb[(r * nBasis + b) * kk + p]!;
    }
  }
  const out = { values: m, rows, cols: nBasis, nBasis };
  expansionCache.set(key, out);
  return out;
}

/**
 * Regular group convolution (regular -> regular of C_N): the coefficient w[b, v, fi, fo]
 * belongs to input orientation v relative to the output orientation, and
 * filter[(ky, kx, u, r), (fi, fo)] = sum_b rotated_r(B_b)[ky, kx] w[b, (u - r) mod N, fi, fo],
 * i.e. the filter for output orientation r is the learned filter rotated by theta_r with its
 * orientation axis cyclically shifted by r. M is [k*k*N*N, nBasis*N], row (p, u, r), column (b, v).
 */
export function regularExpansion(kernelSize: number, order: number, options: BasisOptions = {}): ExpansionMatrix {
  const key = `reg:${kernelSize}:${order}:${options.maxFrequency ?? 'default'}`;
  const hit = expansionCache.get(key);
  if (hit !== undefined) return hit;
  const { values: rb, nBasis } = rotatedBasis(kernelSize, order, options);
  const kk = kernelSize * kernelSize;
  const n = order;
  const rows = kk * n * n;
  const cols = nBasis * n;
  const m = new Float32Array(rows * cols);
  for (let p = 0; p < kk; p++) {
    for (let u = 0; u < n; u++) {
      for (let r = 0; r < n; r++) {
        const row = (p * n + u) * n + r;
        const v = (((u - r) % n) + n) % n;
        for (let b = 0; b < nBasis; b++) m[row * cols + b * n + v] = rb[(r * nBasis + b) * kk + p]!;
      }
    }
  }
  const out = { values: m, rows, cols, nBasis };
  expansionCache.set(key, out);
  return out;
}

const tensorCache = new Map<string, tf.Tensor2D>();

/** The expansion matrix as a kept tf tensor, shared by all layers of the same shape. */
export function expansionTensor(kind: 'lifting' | 'regular', kernelSize: number, order: number, options: BasisOptions = {}): tf.Tensor2D {
  const key = `${kind}:${kernelSize}:${order}:${options.maxFrequency ?? 'default'}:${tf.getBackend()}`;
  const hit = tensorCache.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const m = kind === 'lifting' ? liftingExpansion(kernelSize, order, options) : regularExpansion(kernelSize, order, options);
  const t = tf.keep(tf.tensor2d(m.values, [m.rows, m.cols]));
  tensorCache.set(key, t);
  return t;
}
