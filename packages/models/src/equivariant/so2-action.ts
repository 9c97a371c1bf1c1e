// How a rotation by any angle acts on SO(2) features, and equivariance
// measurements built on it (the SO(2) counterpart of action.ts, whose C_N
// elements are indices). A rotation by theta turns NHWC maps about their
// centre (an exact permutation for multiples of 90 degrees, bilinear
// otherwise) and multiplies the (cos, sin) pair of frequency k of every
// Fourier field by rho_k(theta) = [[cos k theta, -sin k theta], [sin k theta, cos k theta]].
import * as tf from '@tensorflow/tfjs-core';
import { FieldTypeError } from './errors.ts';
import { channelCount, describeFieldType, fieldSize, type FieldType } from './field-type.ts';
import { irrepMatrix } from './so2-basis.ts';
import { diskIndicator, quarterTurns, rot90, rotateBilinear } from './spatial.ts';

/** The (2L+1) x (2L+1) fibre action of a rotation on one Fourier field, row-major (block diagonal). */
export function fourierFieldRotation(maxFrequency: number, angle: number): Float32Array {
  const d = 2 * maxFrequency + 1;
  const out = new Float32Array(d * d);
  out[0] = 1;
  for (let k = 1; k <= maxFrequency; k++) {
    const [c, ms, s, c2] = irrepMatrix(k, angle) as [number, number, number, number];
    const o = 2 * k - 1;
    out[o * d + o] = c;
    out[o * d + o + 1] = ms;
    out[(o + 1) * d + o] = s;
    out[(o + 1) * d + o + 1] = c2;
  }
  return out;
}

function assertSo2(type: FieldType, where: string): void {
  if (type.group.kind !== 'so2') throw new FieldTypeError(`${where} acts on SO(2) field types, got ${describeFieldType(type)}; use transformFeatures for C_N`);
}

/** Multiplies every Fourier field of x (last axis) by the fibre action of `angle`; trivial fields are unchanged. */
export function rotateFibre(x: tf.Tensor, type: FieldType, angle: number): tf.Tensor {
  assertSo2(type, 'rotateFibre');
  if (type.representation !== 'fourier' || type.maxFrequency === 0) return tf.clone(x);
  const d = fieldSize(type);
  return tf.tidy(() => {
    const rot = tf.tensor2d(fourierFieldRotation(type.maxFrequency!, angle), [d, d]);
    const flat = tf.reshape(x, [-1, d]);
    // Row vectors: v' = v R^T.
    return tf.reshape(tf.matMul(flat, rot, false, true), x.shape);
  });
}

/**
 * Applies the rotation by `angle` radians (counter-clockwise) to SO(2) features of
 * `type`: NHWC maps are turned and their fibres rotated; [B, C] vectors get the fibre action only.
 */
export function transformSo2Features(x: tf.Tensor, type: FieldType, angle: number): tf.Tensor {
  assertSo2(type, 'transformSo2Features');
  const channels = x.shape[x.shape.length - 1];
  if (channels !== channelCount(type)) {
    throw new FieldTypeError(`transformSo2Features: a tensor with ${String(channels)} channels does not hold ${describeFieldType(type)}`);
  }
  return tf.tidy(() => {
    let out: tf.Tensor = x;
    if (x.rank === 4) {
      const q = quarterTurns(angle);
      out = q !== null ? rot90(x as tf.Tensor4D, q) : rotateBilinear(x as tf.Tensor4D, angle);
    } else if (x.rank !== 2) {
      throw new FieldTypeError(`transformSo2Features acts on NHWC maps or [batch, channels] vectors, got rank ${x.rank}`);
    }
    return rotateFibre(out, type, angle);
  });
}

export interface So2EquivarianceOptions {
  /** Angles to test, in degrees (default 90, 180, 270). */
  anglesDegrees?: number[];
  /** Compare maps inside this fraction of the inscribed radius at non-quarter angles (default 0.8). */
  radiusFraction?: number;
}

export interface So2EquivarianceError {
  angleDegrees: number;
  /** Whether the rotation is a multiple of 90 degrees (an exact grid permutation). */
  gridExact: boolean;
  maxAbsError: number;
  /** ||F(g x) - g F(x)|| / ||g F(x)|| over the compared region. */
  relativeError: number;
}

/** Measures ||fn(g x) - g fn(x)|| for rotations g by the given angles (see measureEquivariance for C_N). */
export function measureSo2Equivariance(
  fn: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  inType: FieldType,
  outType: FieldType,
  options: So2EquivarianceOptions = {},
): So2EquivarianceError[] {
  const angles = options.anglesDegrees ?? [90, 180, 270];
  const fraction = options.radiusFraction ?? 0.8;
  const fx = tf.tidy(() => fn(x));
  try {
    return angles.map((deg) => {
      const angle = (deg * Math.PI) / 180;
      const gridExact = quarterTurns(angle) !== null;
      const [maxAbsError, num, den] = tf.tidy(() => {
        const a = fn(transformSo2Features(x, inType, angle));
        const b = transformSo2Features(fx, outType, angle);
        let weight: tf.Tensor = tf.scalar(1);
        if (!gridExact && a.rank === 4) {
          const [, h, w] = a.shape as [number, number, number, number];
          if (h !== w) throw new FieldTypeError(`equivariance at ${deg} degrees needs square maps, got ${h}x${w}`);
          weight = tf.tensor4d(diskIndicator(h, fraction), [1, h, w, 1]);
        }
        const diff = tf.mul(tf.sub(a, b), weight);
        return [tf.max(tf.abs(diff)).dataSync()[0]!, tf.norm(diff).dataSync()[0]!, tf.norm(tf.mul(b, weight)).dataSync()[0]!];
      });
      return { angleDegrees: deg, gridExact, maxAbsError: maxAbsError!, relativeError: den! > 0 ? num! / den! : num! };
    });
  } finally {
    fx.dispose();
  }
}
