// How a group element acts on a feature tensor of a given field type, and
// the measurement of equivariance errors built on it. An element s of C_N is
// the rotation by 2 pi s / N: it turns the map about its centre and, for
// regular fields, moves orientation channel r to r + s (mod N).
import * as tf from '@tensorflow/tfjs-core';
import { FieldTypeError } from './errors.ts';
import { channelCount, describeFieldType, fieldSize, groupOrder, type FieldType } from './field-type.ts';
import { diskIndicator, quarterTurns, rot90, rotateBilinear } from './spatial.ts';

/** Rotation angle (radians) of element s of the field type's group. */
export function elementAngle(type: FieldType, element: number): number {
  return (2 * Math.PI * element) / groupOrder(type.group);
}

/** Cyclic shift of the orientation axis of regular fields: channel f*N + r receives f*N + (r - s). */
export function shiftOrientations(x: tf.Tensor, fields: number, order: number, shift: number): tf.Tensor {
  const s = ((shift % order) + order) % order;
  if (s === 0) return tf.clone(x);
  return tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const split = tf.reshape(x, [...lead, fields, order]);
    const axis = lead.length + 1;
    const head = tf.slice(split, [...lead.map(() => 0), 0, order - s], [...lead.map(() => -1), -1, s]);
    const tail = tf.slice(split, [...lead.map(() => 0), 0, 0], [...lead.map(() => -1), -1, order - s]);
    return tf.reshape(tf.concat([head, tail], axis), x.shape);
  });
}

/**
 * Applies element s of C_N to features of `type`: NHWC maps are rotated (an exact
 * permutation for multiples of 90 degrees, bilinear otherwise) and regular fields
 * have their orientations shifted; rank-2 [B, C] features get the fibre action only.
 */
export function transformFeatures(x: tf.Tensor, type: FieldType, element: number): tf.Tensor {
  const channels = x.shape[x.shape.length - 1];
  if (channels !== channelCount(type)) {
    throw new FieldTypeError(`transformFeatures: a tensor with ${String(channels)} channels does not hold ${describeFieldType(type)}`);
  }
  const n = groupOrder(type.group);
  if (!Number.isInteger(element)) throw new FieldTypeError(`group elements of C${n} are integers 0..${n - 1}, got ${element}`);
  return tf.tidy(() => {
    let out: tf.Tensor = x;
    if (x.rank === 4) {
      const angle = elementAngle(type, element);
      const q = quarterTurns(angle);
      out = q !== null ? rot90(x as tf.Tensor4D, q) : rotateBilinear(x as tf.Tensor4D, angle);
    } else if (x.rank !== 2) {
      throw new FieldTypeError(`transformFeatures acts on NHWC maps or [batch, channels] vectors, got rank ${x.rank}`);
    }
    if (fieldSize(type) > 1) out = shiftOrientations(out, type.fields, n, element);
    return out === x ? tf.clone(x) : out;
  });
}

export interface EquivarianceCheckOptions {
  /** Group elements to test (default: every element of the input type's group). */
  elements?: number[];
  /**
   * For angles that are not multiples of 90 degrees the maps are compared only
   * inside the central disk of this fraction of the inscribed radius, since
   * corners rotate out of the frame (default 0.8).
   */
  radiusFraction?: number;
}

export interface EquivarianceError {
  element: number;
  angleDegrees: number;
  /** Whether the rotation is a multiple of 90 degrees (an exact grid permutation). */
  gridExact: boolean;
  /** Largest |F(g x) - g F(x)| over the compared region. */
  maxAbsError: number;
  /** ||F(g x) - g F(x)|| / ||g F(x)|| over the compared region. */
  relativeError: number;
}

/**
 * Measures how far `fn` is from equivariance between `inType` and `outType` on x:
 * compares fn(g x) with g fn(x) for the chosen elements g. Inputs for non-90-degree
 * angles should be smooth and vanish outside the inscribed disk.
 */
export function measureEquivariance(
  fn: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  inType: FieldType,
  outType: FieldType,
  options: EquivarianceCheckOptions = {},
): EquivarianceError[] {
  const n = groupOrder(inType.group);
  const elements = options.elements ?? Array.from({ length: n }, (_, i) => i);
  const fraction = options.radiusFraction ?? 0.8;
  const fx = tf.tidy(() => fn(x));
  try {
    return elements.map((s) => {
      const angle = elementAngle(inType, s);
      const gridExact = quarterTurns(angle) !== null;
      const [maxAbsError, num, den] = tf.tidy(() => {
        const a = fn(transformFeatures(x, inType, s));
        const b = transformFeatures(fx, outType, s);
        let weight: tf.Tensor = tf.scalar(1);
        if (!gridExact && a.rank === 4) {
          const [, h, w] = a.shape as [number, number, number, number];
          if (h !== w) throw new FieldTypeError(`equivariance at ${(angle * 180) / Math.PI} degrees needs square maps, got ${h}x${w}`);
          weight = tf.tensor4d(diskIndicator(h, fraction), [1, h, w, 1]);
        }
        const diff = tf.mul(tf.sub(a, b), weight);
        return [
          tf.max(tf.abs(diff)).dataSync()[0]!,
          tf.norm(diff).dataSync()[0]!,
          tf.norm(tf.mul(b, weight)).dataSync()[0]!,
        ];
      });
      return {
        element: s,
        angleDegrees: (angle * 180) / Math.PI,
        gridExact,
        maxAbsError: maxAbsError!,
        relativeError: den! > 0 ? num! / den! : num!,
      };
    });
  } finally {
    fx.dispose();
  }
}

export interface InvarianceError {
  angleDegrees: number;
  gridExact: boolean;
  /** Largest ||f(R x) - f(x)|| over the batch. */
  maxDistance: number;
  meanDistance: number;
  /** Smallest cosine similarity between f(R x) and f(x) over the batch. */
  minCosine: number;
}

/**
 * Measures how much a map to vectors ([B, D], e.g. an encoder's mu) moves when
 * its NHWC input turns by each angle (degrees, counter-clockwise): exact index
 * permutations for multiples of 90 degrees, bilinear rotation otherwise.
 */
export function measureInvariance(fn: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, anglesDegrees: number[]): InvarianceError[] {
  const base = tf.tidy(() => fn(x));
  try {
    return anglesDegrees.map((deg) => {
      const angle = (deg * Math.PI) / 180;
      const q = quarterTurns(angle);
      const [maxDistance, meanDistance, minCosine] = tf.tidy(() => {
        const turned = fn(q !== null ? rot90(x, q) : rotateBilinear(x, angle));
        const dist = tf.norm(tf.sub(turned, base), 'euclidean', 1);
        const cos = tf.div(tf.sum(tf.mul(turned, base), 1), tf.maximum(tf.mul(tf.norm(turned, 'euclidean', 1), tf.norm(base, 'euclidean', 1)), 1e-12));
        return [tf.max(dist).dataSync()[0]!, tf.mean(dist).dataSync()[0]!, tf.min(cos).dataSync()[0]!];
      });
      return { angleDegrees: deg, gridExact: q !== null, maxDistance: maxDistance!, meanDistance: meanDistance!, minCosine: minCosine! };
    });
  } finally {
    base.dispose();
  }
}
