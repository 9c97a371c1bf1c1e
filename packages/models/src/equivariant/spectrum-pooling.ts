// An invariant map for regular fields of C_N that keeps more than the max:
// pool each orientation channel over concentric rings (or the whole disk),
// then take the magnitude of the discrete Fourier transform along the N
// orientations. A turn by a multiple of 360/N degrees permutes the
// orientations cyclically after the (rotation-invariant) spatial pooling, and
// a cyclic shift only changes the phases, so the magnitudes are exactly
// invariant under C_N; group max pooling keeps one number of the N, the
// spectrum keeps floor(N/2) + 1 (how strongly, and how sharply tuned, each
// feature responds across orientations).
//
// With `harmonics: K > 0` the rings also keep where around the centre things
// lie. For ring r > 0 and angular frequency k = 1..K, the layer takes the
// complex moment sum_x w_r(x) exp(-i k theta(x)) F(x, g) of each orientation
// channel (theta the angle of the pixel around the centre), then the Fourier
// transform along the N orientations, frequencies l = 0..N-1, and keeps the
// magnitudes. A turn by alpha moves theta by alpha and the orientations by
// alpha too, so each coefficient (k, l) only gains a phase: exp(-i m alpha)
// with order m = k - l (l read in -N/2 < l <= N/2; the moment and the
// orientation transform turn in opposite senses). The magnitudes are exactly
// invariant under quarter turns (the grid maps onto itself) and approximately
// under other angles. Plain rings (k = 0) cannot tell a 6 from a 0 or an 8 by
// layout: all three have a loop at some radius; the angular harmonics say
// whether the loop and the stroke sit on one side or on opposite sides.
//
// Magnitudes still forget how the coefficients' phases relate: whether the
// stroke of ring 3 points the same way as the loop of ring 2. With `align`
// the layer keeps the phases, in the frame of a learned reference
// z = sum_j w_j c_j over the coefficients of order 1 (and the conjugates of
// those of order -1): each coefficient c of order m becomes c conj(u)^m with
// u = z / sqrt(|z|^2 + eps). Under a turn c gains exp(-i m alpha) and u
// gains exp(-i alpha), so c conj(u)^m does not change: exactly under quarter
// turns, and with the reference's phase error times m under other angles.
// The features are then the real and imaginary parts: everything about the
// digit but its angle.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, GridGeometryError, LayerArgumentError } from './errors.ts';
import { channelCount, describeFieldType, fieldTypeToJson, groupOrder, trivialFields, type FieldType } from './field-type.ts';
import { poolPositions, ringWeights } from './ring-pooling.ts';
import { diskMaskValues } from './spatial.ts';

export interface SpectrumPoolingArgs extends BaseLayerArgs {
  /** Regular fields of C_N. */
  inType: FieldType;
  /** 1: one weighted mean over the disk; >= 2: that many rings (RingPooling's weights). */
  rings: number;
  /** Angular frequencies K of the ring moments (0: ring means only); needs rings >= 2. */
  harmonics?: number;
  /**
   * Keep the phases too: turn every coefficient into the frame of a learned reference of
   * order 1 and keep its real and imaginary parts (see alignedFeatureCount).
   */
  align?: boolean;
  /** Seed of the reference weights' initializer (align only). */
  seed?: number;
  margin?: number;
  sigma?: number;
}

/** Floor under |z|^2 when the reference is normalised: keeps u and its gradient finite at z = 0. */
const ALIGN_EPSILON = 1e-6;

/** Number of Fourier magnitudes per field and ring: floor(N / 2) + 1. */
export function spectrumSize(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Invariant features per field: rings x (floor(N/2) + 1) from the ring means,
 * plus (rings - 1) x K x N from the angular moments of the rings beyond the centre.
 */
export function spectrumFeatureCount(n: number, rings: number, harmonics = 0): number {
  return rings * spectrumSize(n) + (harmonics > 0 ? (rings - 1) * harmonics * n : 0);
}

/**
 * Invariant features per field with phase alignment: per ring, the real ring mean's l = 0
 * coefficient and the real and imaginary parts of l = 1..N/2 (N + 1 numbers for even N),
 * plus 2 N per ring beyond the centre and harmonic.
 */
export function alignedFeatureCount(n: number, rings: number, harmonics = 0): number {
  return rings * (2 * spectrumSize(n) - 1) + (harmonics > 0 ? 2 * (rings - 1) * harmonics * n : 0);
}

/**
 * Rotation order of each complex coefficient, in the layer's per-field layout before
 * alignment: ring means (ring-major, then field, then l = 0..N/2: order -l), then the
 * moments (row (k - 1)(R - 1) + r - 1, then field, then l = 0..N-1: order k - l with l
 * taken in -N/2 < l <= N/2). A turn by alpha multiplies a coefficient of order m by
 * e^{-i m alpha} (exactly for quarter turns; the sign of alpha is the grid's convention).
 */
export function coefficientOrders(n: number, fields: number, rings: number, harmonics = 0): Int32Array {
  const half = spectrumSize(n);
  const out: number[] = [];
  for (let r = 0; r < rings; r++) for (let f = 0; f < fields; f++) for (let l = 0; l < half; l++) out.push(-l);
  for (let k = 1; k <= harmonics; k++) {
    for (let r = 1; r < rings; r++) for (let f = 0; f < fields; f++) for (let l = 0; l < n; l++) out.push(k - (2 * l > n ? l - n : l));
  }
  return Int32Array.from(out);
}

/** Learned weights of the phase reference: one per coefficient of order 1 or -1. */
export function referenceWeightCount(n: number, fields: number, rings: number, harmonics = 0): number {
  return coefficientOrders(n, fields, rings, harmonics).filter((m) => Math.abs(m) === 1).length;
}

/**
 * Angular moment weights [K * (R - 1), S * S] (cosine part, sine part): row
 * (k - 1) * (R - 1) + (r - 1) is ring r's weights times cos(k theta) and
 * sin(k theta), theta = atan2(row - c, column - c).
 */
export function angularMomentWeights(size: number, rings: number, harmonics: number, margin = 0, sigma = 2): [Float32Array, Float32Array] {
  if (!Number.isInteger(harmonics) || harmonics < 1) throw new LayerArgumentError(`SpectrumPooling: harmonics must be a positive integer here, got ${harmonics}`);
  if (rings < 2) throw new LayerArgumentError(`SpectrumPooling: angular harmonics need rings >= 2 (ring 0 is the centre), got ${rings}`);
  const w = ringWeights(size, rings, margin, sigma);
  const c = (size - 1) / 2;
  const px = size * size;
  const rows = harmonics * (rings - 1);
  const cos = new Float32Array(rows * px);
  const sin = new Float32Array(rows * px);
  for (let k = 1; k <= harmonics; k++) {
    for (let r = 1; r < rings; r++) {
      const row = (k - 1) * (rings - 1) + (r - 1);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const p = i * size + j;
          const theta = Math.atan2(i - c, j - c);
          cos[row * px + p] = w[r * px + p]! * Math.cos(k * theta);
          sin[row * px + p] = w[r * px + p]! * Math.sin(k * theta);
        }
      }
    }
  }
  return [cos, sin];
}

/** Spatial pooling weights [rings, S * S], each row summing to 1. */
export function spatialPoolWeights(size: number, rings: number, margin = 0, sigma = 2): Float32Array {
  if (rings >= 2) return ringWeights(size, rings, margin, sigma);
  if (rings !== 1) throw new LayerArgumentError(`SpectrumPooling: rings must be a positive integer, got ${rings}`);
  const w = diskMaskValues(size, margin, sigma);
  const total = w.reduce((a, v) => a + v, 0);
  return w.map((v) => v / total);
}

/** Kept [N, K] tensors of cos(2 pi g l / N) / N and sin(2 pi g l / N) / N for l = 0..K-1. */
function keptDft(n: number, frequencies: number): [tf.Tensor2D, tf.Tensor2D] {
  const cos = new Float32Array(n * frequencies);
  const sin = new Float32Array(n * frequencies);
  for (let g = 0; g < n; g++) {
    for (let l = 0; l < frequencies; l++) {
      cos[g * frequencies + l] = Math.cos((2 * Math.PI * g * l) / n) / n;
      sin[g * frequencies + l] = Math.sin((2 * Math.PI * g * l) / n) / n;
    }
  }
  return [tf.keep(tf.tensor2d(cos, [n, frequencies])), tf.keep(tf.tensor2d(sin, [n, frequencies]))];
}

interface AlignConstants {
  /** Indices of the coefficients of order 1, then of order -1 (which enter conjugated). */
  first: tf.Tensor1D;
  /** [count, 1]: +1 for order 1, -1 for order -1 (the sign of the imaginary part). */
  conjugate: tf.Tensor2D;
  oneHot: tf.Tensor2D;
  imagKept: tf.Tensor1D;
  minOrder: number;
  maxOrder: number;
}

export class SpectrumPooling extends EquivariantLayer {
  static readonly className = 'SpectrumPooling';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly rings: number;
  readonly harmonics: number;
  readonly margin: number;
  readonly sigma: number;
  readonly align: boolean;
  readonly seed: number | undefined;
  /** Weights of the coefficients of order +-1 that make the reference (align only). */
  private reference: LayerVariable | null = null;
  private alignConstants: AlignConstants | null = null;
  /** Ring weights, then the moments' cosine and minus-sine weights: [R + 2 K (R - 1), S * S]. */
  private pool: tf.Tensor2D | null = null;
  private dft: [tf.Tensor2D, tf.Tensor2D] | null = null;
  private fullDft: [tf.Tensor2D, tf.Tensor2D] | null = null;

  constructor(args: SpectrumPoolingArgs) {
    super(args);
    if (args.inType.representation !== 'regular') throw new FieldTypeError(`SpectrumPooling takes regular fields, got ${describeFieldType(args.inType)}`);
    if (!Number.isInteger(args.rings) || args.rings < 1) throw new LayerArgumentError(`SpectrumPooling: rings must be a positive integer, got ${args.rings}`);
    this.inType = args.inType;
    this.rings = args.rings;
    // Absent in configs saved before the option existed: ring means only.
    this.harmonics = args.harmonics ?? 0;
    if (!Number.isInteger(this.harmonics) || this.harmonics < 0) throw new LayerArgumentError(`SpectrumPooling: harmonics must be an integer >= 0, got ${args.harmonics}`);
    if (this.harmonics > 0 && this.rings < 2) throw new LayerArgumentError(`SpectrumPooling: angular harmonics need rings >= 2 (ring 0 is the centre), got ${this.rings}`);
    this.margin = args.margin ?? 0;
    this.sigma = args.sigma ?? 2;
    // Absent in configs saved before the option existed: magnitudes only.
    this.align = args.align ?? false;
    this.seed = args.seed;
    const n = groupOrder(args.inType.group);
    const perField = this.align ? alignedFeatureCount(n, this.rings, this.harmonics) : spectrumFeatureCount(n, this.rings, this.harmonics);
    this.outType = trivialFields(args.inType.group, args.inType.fields * perField);
  }

  /** The reference's coefficients, the one-hot map from orders to coefficients, the kept imaginary parts. */
  private alignment(): AlignConstants {
    if (this.alignConstants === null || this.alignConstants.first.isDisposed) {
      const n = groupOrder(this.inType.group);
      const fields = this.inType.fields;
      const orders = coefficientOrders(n, fields, this.rings, this.harmonics);
      const minOrder = Math.min(...orders);
      const maxOrder = Math.max(...orders);
      const plus = Array.from(orders.keys()).filter((i) => orders[i] === 1);
      const minus = Array.from(orders.keys()).filter((i) => orders[i] === -1);
      const oneHot = new Float32Array((maxOrder - minOrder + 1) * orders.length);
      orders.forEach((m, i) => (oneHot[(m - minOrder) * orders.length + i] = 1));
      // The ring means' l = 0 coefficients are real; the layout puts them at l = 0 of every ring and field.
      const half = spectrumSize(n);
      const imagKept = Array.from(orders.keys()).filter((i) => !(i < this.rings * fields * half && i % half === 0));
      this.alignConstants = {
        first: tf.keep(tf.tensor1d([...plus, ...minus], 'int32')),
        conjugate: tf.keep(tf.tensor2d([...plus.map(() => 1), ...minus.map(() => -1)], [plus.length + minus.length, 1])),
        oneHot: tf.keep(tf.tensor2d(oneHot, [maxOrder - minOrder + 1, orders.length])),
        imagKept: tf.keep(tf.tensor1d(imagKept, 'int32')),
        minOrder,
        maxOrder,
      };
    }
    return this.alignConstants;
  }

  /**
   * Turns coefficients c (orders m) into the frame of the reference z = sum_j w_j c_j over
   * the coefficients of order 1 and the conjugates of those of order -1: c * conj(u)^m with u = z / sqrt(|z|^2 + eps). A turn multiplies
   * c by e^{-i m alpha} and u by e^{-i alpha}, so the product does not change; unlike the
   * magnitude it keeps how the phases of different coefficients relate (where a stroke sits
   * relative to a loop). Returns the real parts, then the imaginary parts that are not identically zero.
   */
  private alignPhases(re: tf.Tensor2D, im: tf.Tensor2D): tf.Tensor {
    const { first, conjugate, oneHot, imagKept, minOrder, maxOrder } = this.alignment();
    const w = tf.reshape(this.reference!.read(), [-1, 1]) as tf.Tensor2D;
    const zr = tf.matMul(tf.gather(re, first, 1) as tf.Tensor2D, w);
    const zi = tf.matMul(tf.gather(im, first, 1) as tf.Tensor2D, tf.mul(w, conjugate) as tf.Tensor2D);
    const norm = tf.rsqrt(tf.add(tf.add(tf.square(zr), tf.square(zi)), ALIGN_EPSILON));
    const ur = tf.mul(zr, norm);
    const ui = tf.mul(zi, norm);
    // Powers u^p, p = 0..max(|minOrder|, maxOrder); conj(u)^m is conj(u^m) for m >= 0 and u^{-m} below.
    const top = Math.max(-minOrder, maxOrder);
    const powers: Array<[tf.Tensor, tf.Tensor]> = [[tf.onesLike(ur), tf.zerosLike(ui)]];
    for (let p = 1; p <= top; p++) {
      const [pr, pi] = powers[p - 1]!;
      powers.push([tf.sub(tf.mul(pr, ur), tf.mul(pi, ui)), tf.add(tf.mul(pr, ui), tf.mul(pi, ur))]);
    }
    const tableRe: tf.Tensor[] = [];
    const tableIm: tf.Tensor[] = [];
    for (let m = minOrder; m <= maxOrder; m++) {
      const [pr, pi] = powers[Math.abs(m)]!;
      tableRe.push(pr);
      tableIm.push(m >= 0 ? tf.neg(pi) : pi);
    }
    const fr = tf.matMul(tf.concat(tableRe, 1) as tf.Tensor2D, oneHot);
    const fi = tf.matMul(tf.concat(tableIm, 1) as tf.Tensor2D, oneHot);
    const outRe = tf.sub(tf.mul(re, fr), tf.mul(im, fi));
    const outIm = tf.add(tf.mul(re, fi), tf.mul(im, fr));
    return tf.concat([outRe, tf.gather(outIm, imagKept, 1)], 1);
  }

  /** [N, N] cosine and sine of 2 pi g l / N, over N (all N frequencies: the moments are complex). */
  private fullDftMatrices(): [tf.Tensor2D, tf.Tensor2D] {
    if (this.fullDft === null || this.fullDft[0].isDisposed) {
      const n = groupOrder(this.inType.group);
      this.fullDft = keptDft(n, n);
    }
    return this.fullDft;
  }

  /** Number of angular moment rows: K (R - 1). */
  private get momentRows(): number {
    return this.harmonics * (this.rings - 1);
  }

  /**
   * All position weights in one matrix, so that one matmul pools every ring and moment:
   * the ring means, then w_r(x) cos(k theta) and -w_r(x) sin(k theta) (the real and
   * imaginary parts of w_r(x) e^{-i k theta}).
   */
  private poolFor(size: number): tf.Tensor2D {
    if (this.pool === null || this.pool.isDisposed || this.pool.shape[1] !== size * size) {
      this.pool?.dispose();
      const px = size * size;
      const rows = this.momentRows;
      const w = new Float32Array((this.rings + 2 * rows) * px);
      w.set(spatialPoolWeights(size, this.rings, this.margin, this.sigma));
      if (rows > 0) {
        const [cos, sin] = angularMomentWeights(size, this.rings, this.harmonics, this.margin, this.sigma);
        w.set(cos, this.rings * px);
        w.set(sin.map((v) => -v), (this.rings + rows) * px);
      }
      this.pool = tf.keep(tf.tensor2d(w, [this.rings + 2 * rows, px]));
    }
    return this.pool;
  }

  /** [N, N/2 + 1] cosine and sine of 2 pi g l / N, over N (real ring means: half the spectrum suffices). */
  private dftMatrices(): [tf.Tensor2D, tf.Tensor2D] {
    if (this.dft === null || this.dft[0].isDisposed) {
      const n = groupOrder(this.inType.group);
      this.dft = keptDft(n, spectrumSize(n));
    }
    return this.dft;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`SpectrumPooling takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) throw new GridGeometryError(`SpectrumPooling needs square maps, got ${shape[1]}x${shape[2]}`);
    if (shape[1] != null) {
      spatialPoolWeights(shape[1], this.rings, this.margin, this.sigma);
      if (this.harmonics > 0) angularMomentWeights(shape[1], this.rings, this.harmonics, this.margin, this.sigma);
    }
    if (this.align) {
      const count = referenceWeightCount(groupOrder(this.inType.group), this.inType.fields, this.rings, this.harmonics);
      const init = initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(count), ...(this.seed === undefined ? {} : { seed: this.seed }) });
      this.reference = this.addWeight('reference', [count], 'float32', init);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, SpectrumPooling.className);
      const [b, s] = x.shape as [number, number, number, number];
      const n = groupOrder(this.inType.group);
      const fields = this.inType.fields;
      const rows = this.momentRows;
      // One matmul over positions: [R + 2 K, B*C]; each part reshaped to [rows*B*F, N]
      // (channels are field-major, orientation-minor).
      const pooled = poolPositions(x, this.poolFor(s));
      const [means, re, im] = (rows > 0 ? tf.split(pooled, [this.rings, rows, rows], 0) : [pooled]).map((t) => tf.reshape(t, [-1, n]));
      // The small floor keeps the gradient of the square root finite at a zero coefficient.
      const magnitude = (r: tf.Tensor, i: tf.Tensor): tf.Tensor => tf.sqrt(tf.add(tf.add(tf.square(r), tf.square(i)), 1e-12));
      // [rows*B, F*k] -> [B, rows*F*k] (ring-major per image).
      const perImage = (t: tf.Tensor, count: number, width: number): tf.Tensor =>
        tf.reshape(tf.transpose(tf.reshape(t, [count, b, width]), [1, 0, 2]), [b, count * width]);
      // Complex coefficients sum_g F(g) e^{-2 pi i g l / N}: of the ring means (l = 0..N/2, real
      // inputs) and of the moments a + i b = sum_x w(x) e^{-i k theta} F(x, g) (l = 0..N-1).
      const [cos, sin] = this.dftMatrices();
      const k = spectrumSize(n);
      const ring: [tf.Tensor, tf.Tensor] = [tf.matMul(means!, cos), tf.neg(tf.matMul(means!, sin))];
      let moment: [tf.Tensor, tf.Tensor] | null = null;
      if (rows > 0) {
        const [fc, fs] = this.fullDftMatrices();
        moment = [tf.add(tf.matMul(re!, fc), tf.matMul(im!, fs)), tf.sub(tf.matMul(im!, fc), tf.matMul(re!, fs))];
      }
      // Per image, in coefficientOrders' layout: ring means, then moments.
      const layout = (map: (r: tf.Tensor, i: tf.Tensor) => tf.Tensor): tf.Tensor => {
        const rings = perImage(map(ring[0], ring[1]), this.rings, fields * k);
        return moment === null ? rings : tf.concat([rings, perImage(map(moment[0], moment[1]), rows, fields * n)], 1);
      };
      if (this.align) return this.alignPhases(layout((r) => r) as tf.Tensor2D, layout((_, i) => i) as tf.Tensor2D);
      return layout(magnitude);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] ?? null, channelCount(this.outType)];
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.pool?.dispose();
    this.pool = null;
    this.dft?.forEach((t) => t.dispose());
    this.dft = null;
    this.fullDft?.forEach((t) => t.dispose());
    this.fullDft = null;
    if (this.alignConstants !== null) [this.alignConstants.first, this.alignConstants.conjugate, this.alignConstants.oneHot, this.alignConstants.imagKept].forEach((t) => t.dispose());
    this.alignConstants = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<SpectrumPoolingArgs>(config, ['inType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), inType: fieldTypeToJson(this.inType), rings: this.rings, harmonics: this.harmonics, align: this.align, seed: this.seed ?? null, margin: this.margin, sigma: this.sigma };
  }
}

serialization.registerClass(SpectrumPooling);
