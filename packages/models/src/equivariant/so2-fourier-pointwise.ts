// Fourier pointwise nonlinearity for band-limited SO(2) fields (escnn's
// FourierPointwise / FourierELU). Each field holds the
// Fourier coefficients c (frequencies 0..L, 2L + 1 values) of a function f on
// the circle. A fixed matrix A [N, 2L+1] samples f at the N angles 2 pi i / N,
// the activation acts on the samples, and the regularised pseudo-inverse
// P = (A^T A + 1e-8 I)^-1 A^T maps the samples back to 2L + 1 coefficients.
//
// Equivariance: a rotation by a multiple of 2 pi / N permutes the samples,
// so the layer commutes with it exactly (with N divisible by 4 this includes
// quarter turns). At other angles it is approximate: the activation creates
// harmonics above L, and those at N - L and beyond alias onto 0..L when
// sampled at N points. The error falls as N grows (measured in the spec).
//
// Row i of A is (1, sqrt2 cos phi_i, sqrt2 sin phi_i, ..., sqrt2 sin L phi_i) / sqrt(2L+1),
// escnn's normalisation (the irreps at the identity, each scaled by the square root
// of its size, then the whole vector normalised), so that a field of unit norm has
// samples of unit mean square.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { deviceDropout } from '../random/device-dropout.ts';
import { argsFromConfig, isTraining, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, LayerArgumentError } from './errors.ts';
import { describeFieldType, fieldTypeToJson, type FieldType } from './field-type.ts';
import { So2EquivariantLayer } from './so2-layer.ts';

export const FOURIER_ACTIVATIONS = ['elu', 'relu'] as const;
export type FourierActivationName = (typeof FOURIER_ACTIVATIONS)[number];

/** Ridge of the pseudo-inverse, as escnn's FourierPointwise. */
const RIDGE = 1e-8;

/**
 * cos and sin of 2 pi j / N for j = 0..N-1. For N divisible by 4 the first quadrant is
 * computed and the others are exact sign flips and swaps of it, so sampling matrices
 * built from the table are exactly symmetric under quarter turns.
 */
function unitCircleTable(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  const quarter = n % 4 === 0 ? n / 4 : n;
  for (let j = 0; j < quarter; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  for (let j = quarter; j < n; j++) {
    const r = j % quarter;
    const q = Math.floor(j / quarter);
    const [c, s] = [cos[r]!, sin[r]!];
    [cos[j], sin[j]] = q === 1 ? [-s, c] : q === 2 ? [-c, -s] : [s, -c];
  }
  return { cos, sin };
}

/** The sampling matrix A [N, 2L+1], row-major float64. */
export function fourierSamplingMatrix(maxFrequency: number, samples: number): Float64Array {
  const d = 2 * maxFrequency + 1;
  const { cos, sin } = unitCircleTable(samples);
  const a = new Float64Array(samples * d);
  const norm = 1 / Math.sqrt(d);
  for (let i = 0; i < samples; i++) {
    a[i * d] = norm;
    for (let k = 1; k <= maxFrequency; k++) {
      const j = (k * i) % samples;
      a[i * d + 2 * k - 1] = Math.SQRT2 * cos[j]! * norm;
      a[i * d + 2 * k] = Math.SQRT2 * sin[j]! * norm;
    }
  }
  return a;
}

/** P = (A^T A + ridge I)^-1 A^T [2L+1, N], row-major float64 (Gauss-Jordan with partial pivoting). */
export function fourierProjectionMatrix(maxFrequency: number, samples: number): Float64Array {
  const d = 2 * maxFrequency + 1;
  const a = fourierSamplingMatrix(maxFrequency, samples);
  // Augmented [A^T A + ridge I | A^T], reduced to [I | P].
  const w = d + samples;
  const m = new Float64Array(d * w);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = r === c ? RIDGE : 0;
      for (let i = 0; i < samples; i++) s += a[i * d + r]! * a[i * d + c]!;
      m[r * w + c] = s;
    }
    for (let i = 0; i < samples; i++) m[r * w + d + i] = a[i * d + r]!;
  }
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * w + col]!) > Math.abs(m[pivot * w + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) [m[col * w + c], m[pivot * w + c]] = [m[pivot * w + c]!, m[col * w + c]!];
    }
    const inv = 1 / m[col * w + col]!;
    for (let c = 0; c < w; c++) m[col * w + c]! *= inv;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * w + col]!;
      if (f === 0) continue;
      for (let c = 0; c < w; c++) m[r * w + c]! -= f * m[col * w + c]!;
    }
  }
  const p = new Float64Array(d * samples);
  for (let r = 0; r < d; r++) for (let i = 0; i < samples; i++) p[r * samples + i] = m[r * w + d + i]!;
  return p;
}

export interface FourierPointwiseArgs extends BaseLayerArgs {
  /** Fourier fields of SO(2) (input and output type). */
  fieldType: FieldType;
  /** Sample angles N (at least 2L + 1; a multiple of 4 makes quarter turns exact). */
  samples: number;
  /** Default elu (FourierELU). */
  activation?: FourierActivationName;
  /** Dropout rate on the N samples after the activation, in training only (default 0). */
  dropout?: number;
}

export class FourierPointwise extends So2EquivariantLayer {
  static readonly className = 'FourierPointwise';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly samples: number;
  readonly activation: FourierActivationName;
  readonly dropout: number;
  readonly maxFrequency: number;
  private sampling: tf.Tensor2D | null = null;
  private projection: tf.Tensor2D | null = null;

  constructor(args: FourierPointwiseArgs) {
    super(args);
    const where = FourierPointwise.className;
    if (args.fieldType.group.kind !== 'so2' || args.fieldType.representation !== 'fourier') {
      throw new FieldTypeError(`${where} acts on fourier fields of SO(2), got ${describeFieldType(args.fieldType)}; use PointwiseActivation for trivial or regular fields`);
    }
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.maxFrequency = args.fieldType.maxFrequency!;
    const d = 2 * this.maxFrequency + 1;
    if (!Number.isInteger(args.samples) || args.samples < d) {
      throw new LayerArgumentError(`${where}: samples must be an integer >= 2L + 1 = ${d} (frequency ${this.maxFrequency}), got ${String(args.samples)}`);
    }
    this.samples = args.samples;
    this.activation = args.activation ?? 'elu';
    if (!(FOURIER_ACTIVATIONS as readonly string[]).includes(this.activation)) {
      throw new LayerArgumentError(`${where}: activation must be one of ${FOURIER_ACTIVATIONS.join(', ')}, got ${String(this.activation)}`);
    }
    this.dropout = args.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new LayerArgumentError(`${where}: dropout must be in [0, 1), got ${String(this.dropout)}`);
  }

  /** [A^T, P^T] as kept float32 tensors: samples = coeffs A^T, coeffs = samples P^T. */
  private matrices(): [tf.Tensor2D, tf.Tensor2D] {
    if (this.sampling === null || this.sampling.isDisposed || this.projection === null || this.projection.isDisposed) {
      const d = 2 * this.maxFrequency + 1;
      const n = this.samples;
      const a = fourierSamplingMatrix(this.maxFrequency, n);
      const p = fourierProjectionMatrix(this.maxFrequency, n);
      const at = new Float32Array(d * n);
      const pt = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) at[j * n + i] = a[i * d + j]!;
      for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) pt[i * d + j] = p[j * n + i]!;
      this.sampling = tf.keep(tf.tensor2d(at, [d, n]));
      this.projection = tf.keep(tf.tensor2d(pt, [n, d]));
    }
    return [this.sampling, this.projection];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, FourierPointwise.className);
      const [at, pt] = this.matrices();
      const d = 2 * this.maxFrequency + 1;
      let s = tf.matMul(tf.reshape(x, [-1, d]), at);
      s = this.activation === 'elu' ? tf.elu(s) : tf.relu(s);
      // The mask is drawn by the backend (deviceDropout), not in JavaScript: the sample grid is N / (2L + 1) times the activations.
      if (this.dropout > 0 && isTraining(kwargs)) s = deviceDropout(s, this.dropout);
      return tf.reshape(tf.matMul(s, pt), x.shape);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  override dispose(): ReturnType<So2EquivariantLayer['dispose']> {
    this.sampling?.dispose();
    this.projection?.dispose();
    this.sampling = null;
    this.projection = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<FourierPointwiseArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      fieldType: fieldTypeToJson(this.inType),
      samples: this.samples,
      activation: this.activation,
      dropout: this.dropout,
    };
  }
}

serialization.registerClass(FourierPointwise);
