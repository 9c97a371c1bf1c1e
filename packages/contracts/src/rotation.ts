// Rotation of square images about their centre: the one implementation every
// stage uses. The data stage turns its test sets with it and stores the angles
// (angles.f32), training turns augmented batches with it, the models turn
// their input with it (the rotation orbit) and the evaluation turns
// reconstructions with it to measure pose.
//
// Conventions (the whole project relies on these):
// - An image is S x S pixels, row-major, row 0 at the TOP, column 0 at the
//   left, pixel (row r, col x) centred at (x, r). The rotation centre is
//   ((S-1)/2, (S-1)/2): a pixel centre when S is odd.
// - A positive angle turns the content COUNTER-CLOCKWISE as the image is
//   displayed. Rotating by +90 degrees equals numpy's `np.rot90(img)`:
//   out[r][x] = in[x][S-1-r]; the right-hand edge moves to the top.
// - Inverse mapping with bilinear interpolation; points that fall outside
//   the image read 0.
//
// Two kernels compute that map, and each keeps the arithmetic it has always
// had, because the bytes of the datasets and the weights of trained models
// depend on it:
// - ImageRotator (rotateImage, rotateImages): pixel arrays, one angle per
//   image, fast. Multiples of 90 degrees are an exact pixel permutation; other
//   angles are bilinear, optionally supersampled; Uint8 output is rounded.
// - bilinearRotationTable (applyRotationTable): a sparse linear map (four taps
//   and float32 weights per output pixel) fixed for one angle, to apply to
//   many images, or to express as a gather on tensors so that gradients flow
//   through it (the models' rotation orbit).
//
// ImageRotator in detail:
// - Uint8 images hold 0..255 and are written back rounded (half to even) and
//   clamped; Float32 images are written unrounded. Every output is a convex
//   combination of input pixels and zeros, so [0, 1] or [0, 255] is kept.
// - Multiples of 90 degrees are a pure pixel permutation: no arithmetic, so
//   equivariance tests at 90 degrees can use an exact tolerance.
// - Other angles: with supersampling s, each output pixel is the mean of
//   s x s bilinear samples at the sub-pixel centres ((i + 0.5)/s - 0.5 for
//   i < s, in both axes). Supersampling applies only to non-multiples of 90
//   degrees, so 0 degrees is the unchanged image while a tiny angle is
//   slightly smoothed: that discontinuity is inherent.
//
// Speed: an output pixel can only be non-zero if its footprint reaches the
// bounding box of the source's non-zero pixels, so each row is clipped to
// that box before sampling. MNIST digits fill about a third of a 33x33 grid;
// the clipping is exact (each sample is still bounds-checked) and removes
// most of the work. All buffers are allocated once per rotator.

import { ContractError } from './errors.ts';

export type PixelArray = Uint8Array | Float32Array;

export const MAX_SUPERSAMPLE = 8;

export interface RotationPlan {
  readonly size: number;
  /** The angle as given, in degrees (counter-clockwise as displayed). */
  readonly angle: number;
  readonly supersample: number;
  /** 0..3 when the angle is an exact multiple of 90 degrees, else null. */
  readonly quarterTurns: 0 | 1 | 2 | 3 | null;
  /** For quarter turns: output pixel i takes input pixel permutation[i]. */
  readonly permutation: Uint32Array | null;
  readonly cos: number;
  readonly sin: number;
  /** Source-space offsets of the supersampling points from the pixel's mapped centre (empty when supersample is 1). */
  readonly subX: Float64Array;
  readonly subY: Float64Array;
  /** Largest |offset| along x or y among the sub-samples (for row clipping). */
  readonly reach: number;
}

const permutationCache = new Map<string, Uint32Array>();

function quarterTurnPermutation(size: number, k: 1 | 2 | 3): Uint32Array {
  const key = `${size}:${k}`;
  const cached = permutationCache.get(key);
  if (cached !== undefined) return cached;
  const perm = new Uint32Array(size * size);
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    for (let x = 0; x < size; x++) {
      // Derived from the general inverse map below with cos/sin in {0, +-1}.
      const src = k === 1 ? x * size + (last - r) : k === 2 ? (last - r) * size + (last - x) : (last - x) * size + r;
      perm[r * size + x] = src;
    }
  }
  permutationCache.set(key, perm);
  return perm;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > 4096) {
    throw new ContractError(`image side must be an integer in 1..4096, got ${size}`);
  }
}

/** Throws a ContractError unless `supersample` is an integer in 1..MAX_SUPERSAMPLE. */
export function checkSupersample(supersample: number): void {
  if (!Number.isInteger(supersample) || supersample < 1 || supersample > MAX_SUPERSAMPLE) {
    throw new ContractError(`supersample must be an integer in 1..${MAX_SUPERSAMPLE}, got ${supersample}`);
  }
}

/**
 * Precomputes what does not depend on the pixels: the exact permutation for
 * quarter turns, or the rotation's cosine/sine and the sub-sample offsets.
 */
export function createRotationPlan(size: number, angle: number, supersample = 1): RotationPlan {
  checkSize(size);
  checkSupersample(supersample);
  if (!Number.isFinite(angle)) throw new ContractError(`rotation angle must be a finite number of degrees, got ${angle}`);
  // Reduce before converting to radians so that e.g. 450 and 90 behave alike
  // and cos/sin of large angles do not lose precision.
  const reduced = ((angle % 360) + 360) % 360;
  const quarter = reduced % 90 === 0 ? ((reduced / 90) as 0 | 1 | 2 | 3) : null;
  const empty = new Float64Array(0);
  if (quarter !== null) {
    const cos = [1, 0, -1, 0][quarter]!;
    const sin = [0, 1, 0, -1][quarter]!;
    const permutation = quarter === 0 ? null : quarterTurnPermutation(size, quarter);
    return { size, angle, supersample, quarterTurns: quarter, permutation, cos, sin, subX: empty, subY: empty, reach: 0 };
  }
  const rad = (reduced * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  // supersample 1 is plain bilinear: no offsets, and the hot loop takes a
  // branch without the inner sub-sample loop.
  const n = supersample === 1 ? 0 : supersample * supersample;
  const subX = new Float64Array(n);
  const subY = new Float64Array(n);
  let reach = 0;
  for (let i = 0; n > 0 && i < supersample; i++) {
    const oy = (i + 0.5) / supersample - 0.5;
    for (let j = 0; j < supersample; j++) {
      const ox = (j + 0.5) / supersample - 0.5;
      // Same linear map as the pixel centres (see rotateBilinear).
      subX[i * supersample + j] = ox * cos - oy * sin;
      subY[i * supersample + j] = ox * sin + oy * cos;
      reach = Math.max(reach, Math.abs(subX[i * supersample + j]!), Math.abs(subY[i * supersample + j]!));
    }
  }
  return { size, angle, supersample, quarterTurns: null, permutation: null, cos, sin, subX, subY, reach };
}

/**
 * Rotates images of one side length, reusing its scratch buffers. Not
 * re-entrant; create one per worker.
 */
export class ImageRotator {
  readonly size: number;
  private readonly paddedU8: Uint8Array;
  private readonly paddedF32: Float32Array;
  private clampedFor: Uint8Array | null = null;
  private clamped: Uint8ClampedArray = new Uint8ClampedArray(0);

  constructor(size: number) {
    checkSize(size);
    this.size = size;
    // A ring of zeros around the image, used only when the content touches
    // the border, lets bilinear taps there read memory without a second
    // bounds check. One buffer per pixel type keeps the hot loop monomorphic.
    this.paddedU8 = new Uint8Array((size + 2) * (size + 2));
    this.paddedF32 = new Float32Array((size + 2) * (size + 2));
  }

  /** Rotates one image: src[srcOffset ..] -> dst[dstOffset ..], S*S pixels each. src and dst must not overlap. */
  apply<T extends PixelArray>(plan: RotationPlan, src: T, srcOffset: number, dst: T, dstOffset: number): void {
    const area = this.size * this.size;
    if (plan.size !== this.size) throw new ContractError(`rotation plan is for ${plan.size}x${plan.size} images, rotator for ${this.size}x${this.size}`);
    if (srcOffset < 0 || srcOffset + area > src.length || dstOffset < 0 || dstOffset + area > dst.length) {
      throw new ContractError(`image at offsets ${srcOffset} -> ${dstOffset} does not fit arrays of ${src.length} and ${dst.length} pixels`);
    }
    if (plan.quarterTurns === 0) {
      dst.set(src.subarray(srcOffset, srcOffset + area), dstOffset);
      return;
    }
    if (plan.permutation !== null) {
      const perm = plan.permutation;
      for (let i = 0; i < area; i++) dst[dstOffset + i] = src[srcOffset + perm[i]!]!;
      return;
    }
    const out = dst instanceof Uint8Array ? this.clampedView(dst) : (dst as Float32Array);
    out.fill(0, dstOffset, dstOffset + area);
    if (!this.findBounds(src, srcOffset)) return;
    const S = this.size;
    const { minX, maxX, minY, maxY } = this.bounds;
    if (minX >= 1 && maxX <= S - 2 && minY >= 1 && maxY <= S - 2) {
      // Content has a zero margin: every tap inside the window is a real pixel.
      this.rotateBilinear(plan, src, srcOffset, S, out, dstOffset);
      return;
    }
    const P = S + 2;
    const padded = src instanceof Uint8Array ? this.paddedU8 : this.paddedF32;
    for (let y = 0; y < S; y++) padded.set(src.subarray(srcOffset + y * S, srcOffset + (y + 1) * S), (y + 1) * P + 1);
    this.rotateBilinear(plan, padded, P + 1, P, out, dstOffset);
  }

  private readonly bounds = { minX: 0, maxX: 0, minY: 0, maxY: 0 };

  /** Bounding box of the non-zero pixels into `this.bounds`; false if the image is all zero. */
  private findBounds(src: PixelArray, offset: number): boolean {
    const S = this.size;
    let minX = S;
    let maxX = -1;
    let minY = -1;
    let maxY = -1;
    // Scanning each row inwards from both ends touches little more than the
    // zero margins, which is most of a padded digit.
    for (let y = 0; y < S; y++) {
      const row = offset + y * S;
      let x = 0;
      while (x < S && src[row + x] === 0) x++;
      if (x === S) continue;
      if (minY < 0) minY = y;
      maxY = y;
      if (x < minX) minX = x;
      let r = S - 1;
      while (src[row + r] === 0) r--;
      if (r > maxX) maxX = r;
    }
    if (minY < 0) return false;
    this.bounds.minX = minX;
    this.bounds.maxX = maxX;
    this.bounds.minY = minY;
    this.bounds.maxY = maxY;
    return true;
  }

  private clampedView(dst: Uint8Array): Uint8ClampedArray {
    if (this.clampedFor !== dst) {
      this.clampedFor = dst;
      this.clamped = new Uint8ClampedArray(dst.buffer, dst.byteOffset, dst.length);
    }
    return this.clamped;
  }

  /**
   * Bilinear (optionally supersampled) inverse mapping. `base[origin + y *
   * stride + x]` is pixel (x, y) of the source, readable for x, y in
   * [minX - 1, maxX + 1] x [minY - 1, maxY + 1] (a real pixel or padding).
   */
  private rotateBilinear(
    plan: RotationPlan,
    base: PixelArray,
    origin: number,
    stride: number,
    out: Uint8ClampedArray | Float32Array,
    dstOffset: number,
  ): void {
    const S = this.size;
    const { minX, maxX, minY, maxY } = this.bounds;
    // A sample at (xs, ys) can be non-zero only strictly inside this window
    // (the bilinear support of the bounding box).
    const wx0 = minX - 1;
    const wx1 = maxX + 1;
    const wy0 = minY - 1;
    const wy1 = maxY + 1;
    // Taps are addressed from (-1, -1) so that floor(xs) + 1, which is >= 0
    // inside the window, can be taken with `| 0`.
    const o = origin - stride - 1;
    const { cos, sin, subX, subY, reach } = plan;
    const nSub = subX.length;
    const c = (S - 1) / 2;
    for (let yo = 0; yo < S; yo++) {
      const dy = yo - c;
      // Inverse map (output -> input) of a counter-clockwise turn by theta
      // with y pointing down:
      //   xs = c + (xo - c) cos - (yo - c) sin = ax + xo cos
      //   ys = c + (xo - c) sin + (yo - c) cos = ay + xo sin
      const ax = c - c * cos - dy * sin;
      const ay = c - c * sin + dy * cos;
      // Clip the row to the xo where the pixel's footprint can meet the window.
      const bx = clipLinear(ax, cos, wx0 - reach, wx1 + reach);
      if (bx === null) continue;
      let lo = bx[0];
      let hi = bx[1];
      const by = clipLinear(ay, sin, wy0 - reach, wy1 + reach);
      if (by === null) continue;
      lo = Math.max(0, Math.floor(Math.max(lo, by[0])));
      hi = Math.min(S - 1, Math.ceil(Math.min(hi, by[1])));
      const rowOut = dstOffset + yo * S;
      if (nSub === 0) {
        for (let xo = lo; xo <= hi; xo++) {
          const x = ax + xo * cos;
          const y = ay + xo * sin;
          if (x > wx0 && x < wx1 && y > wy0 && y < wy1) {
            const x1 = x + 1;
            const y1 = y + 1;
            const ix = x1 | 0;
            const iy = y1 | 0;
            const fx = x1 - ix;
            const fy = y1 - iy;
            const i = o + iy * stride + ix;
            const a = base[i]!;
            const b = base[i + stride]!;
            const top = a + fx * (base[i + 1]! - a);
            const bottom = b + fx * (base[i + stride + 1]! - b);
            out[rowOut + xo] = top + fy * (bottom - top);
          }
        }
        continue;
      }
      for (let xo = lo; xo <= hi; xo++) {
        const cx = ax + xo * cos;
        const cy = ay + xo * sin;
        let acc = 0;
        for (let k = 0; k < nSub; k++) {
          const x = cx + subX[k]!;
          const y = cy + subY[k]!;
          if (x > wx0 && x < wx1 && y > wy0 && y < wy1) {
            const x1 = x + 1;
            const y1 = y + 1;
            const ix = x1 | 0;
            const iy = y1 | 0;
            const fx = x1 - ix;
            const fy = y1 - iy;
            const i = o + iy * stride + ix;
            const a = base[i]!;
            const b = base[i + stride]!;
            const top = a + fx * (base[i + 1]! - a);
            const bottom = b + fx * (base[i + stride + 1]! - b);
            acc += top + fy * (bottom - top);
          }
        }
        // Division (not multiplication by 1/n) keeps a mean of values <= m at <= m.
        out[rowOut + xo] = acc / nSub;
      }
    }
  }
}

// Scratch pair for clipLinear; one per module is fine because rotation is synchronous.
const range: [number, number] = [0, 0];

/** The open interval of t where lo < a + b t < hi, or null if empty. */
function clipLinear(a: number, b: number, lo: number, hi: number): readonly [number, number] | null {
  if (Math.abs(b) < 1e-12) {
    if (a > lo && a < hi) {
      range[0] = -Infinity;
      range[1] = Infinity;
      return range;
    }
    return null;
  }
  const t1 = (lo - a) / b;
  const t2 = (hi - a) / b;
  range[0] = Math.min(t1, t2);
  range[1] = Math.max(t1, t2);
  return range;
}

export interface RotateOptions {
  /** Sub-samples per axis for non-multiples of 90 degrees (1 = plain bilinear). Default 1. */
  supersample?: number;
}

/** Returns a rotated copy of one S x S image with an ImageRotator (see the conventions at the top of this file). */
export function rotateImage<T extends PixelArray>(image: T, size: number, angle: number, options: RotateOptions = {}): T {
  checkSize(size);
  if (image.length !== size * size) throw new ContractError(`image has ${image.length} pixels, expected ${size}x${size}`);
  const out = (image instanceof Uint8Array ? new Uint8Array(image.length) : new Float32Array(image.length)) as T;
  new ImageRotator(size).apply(createRotationPlan(size, angle, options.supersample ?? 1), image, 0, out, 0);
  return out;
}

/**
 * Rotates a stack of `count` S x S images, image i by angles[i] degrees, into
 * `out` (a new array if omitted). Plans for repeated angles are reused.
 */
export function rotateImages<T extends PixelArray>(
  images: T,
  count: number,
  size: number,
  angles: ArrayLike<number>,
  options: RotateOptions & { out?: T } = {},
): T {
  checkSize(size);
  const area = size * size;
  if (images.length !== count * area) throw new ContractError(`stack has ${images.length} pixels, expected ${count} images of ${size}x${size}`);
  if (angles.length !== count) throw new ContractError(`got ${angles.length} angles for ${count} images`);
  const out = options.out ?? ((images instanceof Uint8Array ? new Uint8Array(images.length) : new Float32Array(images.length)) as T);
  if (out.length !== images.length) throw new ContractError(`output has ${out.length} pixels, expected ${images.length}`);
  if (
    out.buffer === images.buffer &&
    out.byteOffset < images.byteOffset + images.byteLength &&
    images.byteOffset < out.byteOffset + out.byteLength
  ) {
    throw new ContractError('rotateImages cannot write over its input; pass a separate `out`');
  }
  const supersample = options.supersample ?? 1;
  const rotator = new ImageRotator(size);
  let plan: RotationPlan | null = null;
  for (let n = 0; n < count; n++) {
    const angle = angles[n]!;
    if (plan === null || plan.angle !== angle) plan = createRotationPlan(size, angle, supersample);
    rotator.apply(plan, images, n * area, out, n * area);
  }
  return out;
}

/**
 * A rotation as a sparse linear map: output pixel target[k] is the sum over
 * t < 4 of weight[4k + t] * input[source[4k + t]], the bilinear taps of its
 * inverse-rotated position (top-left, top-right, bottom-left, bottom-right).
 * A tap that falls outside the image or has weight 0 has source -1 and weight 0.
 */
export interface RotationTable {
  readonly height: number;
  readonly width: number;
  /** Output pixel index of each entry. */
  readonly target: Int32Array;
  /** Four source pixel indices per entry; -1 = no tap. */
  readonly source: Int32Array;
  /** Four bilinear weights per entry (float32). */
  readonly weight: Float32Array;
}

export interface RotationTableOptions {
  /** Output pixels to compute (row-major indices); default all. */
  readonly targets?: Int32Array;
  /**
   * Round source coordinates within 1e-9 of a grid line onto it, so that
   * angles that map the grid onto itself (multiples of 90 degrees, and the
   * grid-aligned points of 45, 60, ...) give exact taps instead of a
   * 1 - 1e-16 / 1e-16 split between neighbours. The models' rotations snap;
   * the evaluation's pose search does not (its estimates were measured
   * without it, and snapping moves them in the last digits). Default true.
   */
  readonly snapToGrid?: boolean;
}

/**
 * The bilinear taps that turn a height x width map by `angle` RADIANS
 * counter-clockwise as displayed about its centre ((height-1)/2, (width-1)/2).
 * Radians because the models' group elements are radians; callers holding
 * degrees pass `(degrees * Math.PI) / 180`.
 */
export function bilinearRotationTable(height: number, width: number, angle: number, options: RotationTableOptions = {}): RotationTable {
  const n = height * width;
  const target = options.targets ?? Int32Array.from({ length: n }, (_, i) => i);
  const snapToGrid = options.snapToGrid ?? true;
  const source = new Int32Array(target.length * 4);
  const weight = new Float32Array(target.length * 4);
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const snap = (v: number): number => (snapToGrid && Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);
  for (let k = 0; k < target.length; k++) {
    const p = target[k]!;
    const j = p % width;
    const i = (p - j) / width;
    // Display coordinates (y up); the inverse rotation of the output point is its source.
    const x = j - cx;
    const y = cy - i;
    const xs = cos * x + sin * y;
    const ys = -sin * x + cos * y;
    const row = snap(cy - ys);
    const col = snap(cx + xs);
    const r0 = Math.floor(row);
    const c0 = Math.floor(col);
    const fr = row - r0;
    const fc = col - c0;
    const base = 4 * k;
    setTap(source, weight, base, r0, c0, (1 - fr) * (1 - fc), height, width);
    setTap(source, weight, base + 1, r0, c0 + 1, (1 - fr) * fc, height, width);
    setTap(source, weight, base + 2, r0 + 1, c0, fr * (1 - fc), height, width);
    setTap(source, weight, base + 3, r0 + 1, c0 + 1, fr * fc, height, width);
  }
  return { height, width, target, source, weight };
}

function setTap(source: Int32Array, weight: Float32Array, slot: number, r: number, c: number, w: number, height: number, width: number): void {
  const used = r >= 0 && r < height && c >= 0 && c < width && w > 0;
  source[slot] = used ? r * width + c : -1;
  weight[slot] = used ? w : 0;
}

/** Applies a table to one image (float64 sums, stored into `out`); writes only the table's target pixels of `out`. */
export function applyRotationTable(table: RotationTable, image: ArrayLike<number>, out: Float32Array): Float32Array {
  const { target, source, weight } = table;
  for (let k = 0, j = 0; k < target.length; k++, j += 4) {
    // Unused taps carry weight 0 and index -1; reading index 0 instead keeps the loop branch-free.
    const a = source[j]!;
    const b = source[j + 1]!;
    const c = source[j + 2]!;
    const d = source[j + 3]!;
    out[target[k]!] =
      weight[j]! * image[a < 0 ? 0 : a]! +
      weight[j + 1]! * image[b < 0 ? 0 : b]! +
      weight[j + 2]! * image[c < 0 ? 0 : c]! +
      weight[j + 3]! * image[d < 0 ? 0 : d]!;
  }
  return out;
}
