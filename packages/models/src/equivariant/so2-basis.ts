// Steerable kernel basis between band-limited SO(2) fields (escnn's SO(2)
// solution), sampled on the pixel grid, and the
// matrix that expands learned coefficients into a dense conv2d filter.
//
// A kernel kappa from an input irrep of frequency n to an output irrep of
// frequency m is equivariant iff kappa(g q) = rho_m(g) kappa(q) rho_n(g)^-1 for
// every rotation g (the convolution is a correlation, as tf.conv2d). Every
// solution is rho_m(phi) K0 rho_n(-phi) times a radial profile, with K0 a
// constant dOut x dIn matrix:
//   n = m = 0:       K0 = [1]                           angular frequency 0
//   n = 0, m > 0:    K0 = e1, e2 (2 x 1)                angular frequency m
//   n > 0, m = 0:    K0 = e1^T, e2^T (1 x 2)            angular frequency n
//   n, m > 0:        K0 = I, J (J = rotation by 90)     angular frequency |m - n|
//                    K0 = F, F J (F = diag(1, -1))      angular frequency m + n
// The radial profiles are escnn's Gaussian rings (basis.ts: defaultRings), and
// an element is kept on a ring only if its angular frequency is within that
// ring's cut-off: that band limit is what keeps the sampled filters from
// aliasing, and it means that irreps more than the cut-off (2 for kernel 5)
// apart are not coupled by a single layer.
//
// Sampling keeps 90-degree turns exact: the kernel is evaluated analytically
// at one representative of each orbit of quarter turns (x > 0, y >= 0) and
// copied to the other three pixels of the orbit through rho_m(g) K rho_n(g)^-1
// with the exact integer matrices of quarter-turn rotations, so a filter
// rotated by 90 degrees is a pixel permutation with the irreps' sign flips,
// bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { defaultRings, type RingSpec } from './basis.ts';
import { BasisError } from './errors.ts';

/** Which constant matrix K0 an element steers (see the header). */
export type So2BlockKind = 'scalar' | 'column1' | 'column2' | 'row1' | 'row2' | 'identity' | 'quarter' | 'flip' | 'flipQuarter';

export interface So2BasisElement {
  /** Input irrep frequency n. */
  inFrequency: number;
  /** Output irrep frequency m. */
  outFrequency: number;
  /** Angular frequency of the element's harmonic (|m - n| or m + n). */
  angularFrequency: number;
  block: So2BlockKind;
  ring: number;
  radius: number;
  sigma: number;
}

/** Irrep dimension: 1 for frequency 0, 2 otherwise. */
export function irrepSize(frequency: number): number {
  return frequency === 0 ? 1 : 2;
}

/** Channel offset of irrep `frequency` inside a field whose irreps are 0, 1, ..., L in order. */
export function irrepOffset(frequency: number): number {
  return frequency === 0 ? 0 : 2 * frequency - 1;
}

/** Frequencies of a field: [0] for a trivial (scalar) field, [0..L] for a Fourier field of band limit L. */
export function fieldFrequencies(maxFrequency: number | null): number[] {
  return maxFrequency === null ? [0] : Array.from({ length: maxFrequency + 1 }, (_, k) => k);
}

const QUARTER_COS = [1, 0, -1, 0];
const QUARTER_SIN = [0, 1, 0, -1];

/**
 * The irrep of frequency k at angle theta, row-major (1 or 4 values). Multiples of
 * 90 degrees use exact 0 / +-1 entries, so that quarter turns are exact permutations.
 */
export function irrepMatrix(k: number, theta: number): number[] {
  if (k === 0) return [1];
  const q = theta / (Math.PI / 2);
  let c: number;
  let s: number;
  if (Math.abs(q - Math.round(q)) < 1e-12) {
    const idx = ((((Math.round(q) * k) % 4) + 4) % 4);
    c = QUARTER_COS[idx]!;
    s = QUARTER_SIN[idx]!;
  } else {
    c = Math.cos(k * theta);
    s = Math.sin(k * theta);
  }
  return [c, -s, s, c];
}

function matMul(a: number[], ar: number, ac: number, b: number[], bc: number): number[] {
  const out = new Array<number>(ar * bc).fill(0);
  for (let i = 0; i < ar; i++) for (let k = 0; k < ac; k++) for (let j = 0; j < bc; j++) out[i * bc + j]! += a[i * ac + k]! * b[k * bc + j]!;
  return out;
}

function blockMatrix(kind: So2BlockKind): number[] {
  switch (kind) {
    case 'scalar':
      return [1];
    case 'column1':
      return [1, 0];
    case 'column2':
      return [0, 1];
    case 'row1':
      return [1, 0];
    case 'row2':
      return [0, 1];
    case 'identity':
      return [1, 0, 0, 1];
    case 'quarter':
      return [0, -1, 1, 0];
    case 'flip':
      return [1, 0, 0, -1];
    case 'flipQuarter':
      // F J = diag(1, -1) [[0, -1], [1, 0]]
      return [0, -1, -1, 0];
  }
}

/** rho_m(theta) K0 rho_n(-theta): the angular part of an element, [dOut x dIn] row-major. */
export function steeredBlock(el: Pick<So2BasisElement, 'inFrequency' | 'outFrequency' | 'block'>, theta: number): number[] {
  const dIn = irrepSize(el.inFrequency);
  const dOut = irrepSize(el.outFrequency);
  const left = matMul(irrepMatrix(el.outFrequency, theta), dOut, dOut, blockMatrix(el.block), dIn);
  return matMul(left, dOut, dIn, irrepMatrix(el.inFrequency, -theta), dIn);
}

/** The (block, angular frequency) pairs of escnn's SO(2) solution for input n and output m. */
export function so2Blocks(n: number, m: number): Array<{ block: So2BlockKind; angularFrequency: number }> {
  if (n === 0 && m === 0) return [{ block: 'scalar', angularFrequency: 0 }];
  if (n === 0) return [{ block: 'column1', angularFrequency: m }, { block: 'column2', angularFrequency: m }];
  if (m === 0) return [{ block: 'row1', angularFrequency: n }, { block: 'row2', angularFrequency: n }];
  return [
    { block: 'identity', angularFrequency: Math.abs(m - n) },
    { block: 'quarter', angularFrequency: Math.abs(m - n) },
    { block: 'flip', angularFrequency: m + n },
    { block: 'flipQuarter', angularFrequency: m + n },
  ];
}

/**
 * Samples one element on the k x k grid without normalisation: values[(p * dIn + i) * dOut + o]
 * for pixel p (row-major, row 0 at the top; x = col - c, y = c - row), input component i and
 * output component o. At the centre only angular frequency 0 survives.
 */
export function sampleSo2Element(el: So2BasisElement, kernelSize: number): Float64Array {
  const k = kernelSize;
  const c = (k - 1) / 2;
  const dIn = irrepSize(el.inFrequency);
  const dOut = irrepSize(el.outFrequency);
  const out = new Float64Array(k * k * dIn * dOut);
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < k; col++) {
      let x = col - c;
      let y = c - row;
      const p = row * k + col;
      let value: number[];
      if (x === 0 && y === 0) {
        const radial = Math.exp(-(el.radius ** 2) / (2 * el.sigma ** 2));
        value = el.angularFrequency === 0 ? steeredBlock(el, 0).map((v) => v * radial) : new Array<number>(dIn * dOut).fill(0);
      } else {
        // Turn q back into the quadrant x > 0, y >= 0; t counts the quarter turns undone.
        let t = 0;
        while (!(x > 0 && y >= 0)) {
          [x, y] = [y, -x];
          t++;
        }
        const radial = Math.exp(-((Math.hypot(x, y) - el.radius) ** 2) / (2 * el.sigma ** 2));
        const base = steeredBlock(el, Math.atan2(y, x)).map((v) => v * radial);
        if (t === 0) value = base;
        else {
          const turn = (t * Math.PI) / 2;
          const left = matMul(irrepMatrix(el.outFrequency, turn), dOut, dOut, base, dIn);
          value = matMul(left, dOut, dIn, irrepMatrix(el.inFrequency, -turn), dIn);
        }
      }
      for (let o = 0; o < dOut; o++) for (let i = 0; i < dIn; i++) out[(p * dIn + i) * dOut + o] = value[o * dIn + i]!;
    }
  }
  return out;
}

export interface So2Basis {
  kernelSize: number;
  inFrequencies: number[];
  outFrequencies: number[];
  /** Channels of one input field (sum of irrep sizes). */
  inSize: number;
  /** Channels of one output field. */
  outSize: number;
  elements: So2BasisElement[];
  /**
   * The scaled elements: values[((s * k*k + p) * inSize + i) * outSize + o]. Each element is first
   * normalised to unit grid norm; then all elements that write to output irrep m are scaled by
   * one factor so that every output channel that any element reaches receives a total squared
   * weight of S = elements.length. He-normal initialisation of the coefficients (fan-in
   * S x inFields) then gives every output channel the same variance.
   */
  values: Float64Array;
}

// Elements whose samples are this small carry no information on the grid (as in basis.ts).
const MIN_ELEMENT_NORM = 1e-3;

const basisCache = new Map<string, So2Basis>();

function ringsFor(kernelSize: number): RingSpec[] {
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    throw new BasisError(`SO(2) kernels need an odd kernel size (the rotation centre must be a pixel), got ${String(kernelSize)}`);
  }
  return defaultRings(kernelSize);
}

/**
 * The steerable basis from fields with irreps `inFrequencies` to fields with irreps
 * `outFrequencies` on a k x k grid (odd k), with escnn's rings and per-ring cut-offs.
 * Cached per arguments. Throws a BasisError if no element survives.
 */
export function so2Basis(kernelSize: number, inFrequencies: readonly number[], outFrequencies: readonly number[]): So2Basis {
  const key = `${kernelSize}:${inFrequencies.join(',')}:${outFrequencies.join(',')}`;
  const hit = basisCache.get(key);
  if (hit !== undefined) return hit;
  const rings = ringsFor(kernelSize);
  for (const f of [...inFrequencies, ...outFrequencies]) {
    if (!Number.isInteger(f) || f < 0) throw new BasisError(`irrep frequencies are non-negative integers, got ${String(f)}`);
  }
  const inSize = inFrequencies.reduce((a, f) => a + irrepSize(f), 0);
  const outSize = outFrequencies.reduce((a, f) => a + irrepSize(f), 0);
  const inOffsets = offsets(inFrequencies);
  const outOffsets = offsets(outFrequencies);
  const kk = kernelSize * kernelSize;
  const elements: So2BasisElement[] = [];
  const samples: Float64Array[] = [];
  inFrequencies.forEach((n, ni) => {
    outFrequencies.forEach((m, mi) => {
      for (const { block, angularFrequency } of so2Blocks(n, m)) {
        rings.forEach((ring, r) => {
          if (angularFrequency > ring.maxFrequency) return;
          const el: So2BasisElement = { inFrequency: n, outFrequency: m, angularFrequency, block, ring: r, radius: ring.radius, sigma: ring.sigma };
          const local = sampleSo2Element(el, kernelSize);
          const norm = Math.sqrt(local.reduce((a, v) => a + v * v, 0));
          if (norm <= MIN_ELEMENT_NORM) return;
          // Embed the block into the full [p, inSize, outSize] layout.
          const dIn = irrepSize(n);
          const dOut = irrepSize(m);
          const full = new Float64Array(kk * inSize * outSize);
          for (let p = 0; p < kk; p++) {
            for (let i = 0; i < dIn; i++) {
              for (let o = 0; o < dOut; o++) {
                full[(p * inSize + inOffsets[ni]! + i) * outSize + outOffsets[mi]! + o] = local[(p * dIn + i) * dOut + o]! / norm;
              }
            }
          }
          elements.push(el);
          samples.push(full);
        });
      }
    });
  });
  if (elements.length === 0) {
    throw new BasisError(
      `a ${kernelSize}x${kernelSize} kernel has no SO(2)-steerable element from frequencies [${inFrequencies.join(', ')}] to [${outFrequencies.join(', ')}]; ` +
        'the per-ring cut-offs allow no harmonic that couples them (use a larger kernel or nearer frequencies)',
    );
  }
  // Energy each output channel receives from all elements, then one scale per output irrep.
  const S = elements.length;
  const energy = new Float64Array(outSize);
  for (const full of samples) {
    for (let p = 0; p < kk; p++) for (let i = 0; i < inSize; i++) for (let o = 0; o < outSize; o++) energy[o]! += full[(p * inSize + i) * outSize + o]! ** 2;
  }
  const scaleOfIrrep = outFrequencies.map((m, mi) => {
    let e = 0;
    for (let o = 0; o < irrepSize(m); o++) e += energy[outOffsets[mi]! + o]!;
    e /= irrepSize(m);
    return e > 0 ? Math.sqrt(S / e) : 0;
  });
  const values = new Float64Array(S * kk * inSize * outSize);
  samples.forEach((full, s) => {
    const mi = outFrequencies.indexOf(elements[s]!.outFrequency);
    const scale = scaleOfIrrep[mi]!;
    const base = s * full.length;
    for (let t = 0; t < full.length; t++) values[base + t] = full[t]! * scale;
  });
  const basis = { kernelSize, inFrequencies: [...inFrequencies], outFrequencies: [...outFrequencies], inSize, outSize, elements, values };
  basisCache.set(key, basis);
  return basis;
}

function offsets(frequencies: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const f of frequencies) {
    out.push(at);
    at += irrepSize(f);
  }
  return out;
}

/** Number of basis elements (learned coefficients per pair of fields). */
export function so2BasisSize(kernelSize: number, inFrequencies: readonly number[], outFrequencies: readonly number[]): number {
  return so2Basis(kernelSize, inFrequencies, outFrequencies).elements.length;
}

const tensorCache = new Map<string, tf.Tensor2D>();

/**
 * The expansion matrix [k*k*inSize*outSize, S] (row (p, i, o), column s) as a kept
 * float32 tensor, shared by all layers of the same shape: filter = M @ coefficients.
 */
export function so2ExpansionTensor(kernelSize: number, inFrequencies: readonly number[], outFrequencies: readonly number[]): tf.Tensor2D {
  const key = `${kernelSize}:${inFrequencies.join(',')}:${outFrequencies.join(',')}:${tf.getBackend()}`;
  const hit = tensorCache.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const basis = so2Basis(kernelSize, inFrequencies, outFrequencies);
  const S = basis.elements.length;
  const rows = kernelSize * kernelSize * basis.inSize * basis.outSize;
  const m = new Float32Array(rows * S);
  for (let s = 0; s < S; s++) for (let r = 0; r < rows; r++) m[r * S + s] = basis.values[s * rows + r]!;
  const t = tf.keep(tf.tensor2d(m, [rows, S]));
  tensorCache.set(key, t);
  return t;
}
