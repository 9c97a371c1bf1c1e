// Training-mode batch normalisation with statistics per field (pooled over
// the field's channels), as one op with an analytic gradient. Automatic
// differentiation of the composite (moments, subtract, scale, shift) makes
// about a dozen passes over the activations in the backward pass; the
// closed form below makes five, which matters because GroupBatchNorm sees the
// largest tensors of the G-CNN (N channels per field).
import * as tf from '@tensorflow/tfjs-core';

export interface FieldBatchNormResult {
  y: tf.Tensor;
  /** Batch mean per field [fields]. */
  mean: tf.Tensor1D;
  /** Biased batch variance per field [fields]. */
  variance: tf.Tensor1D;
}

/** Per-channel vector [fields * n] from a per-field vector [fields]. */
function tileFields(v: tf.Tensor, fields: number, n: number): tf.Tensor {
  return n === 1 ? v : tf.reshape(tf.tile(tf.reshape(v, [fields, 1]), [1, n]), [fields * n]);
}

/** Per-field mean [fields] of a per-channel vector [fields * n]. */
function poolFields(v: tf.Tensor, fields: number, n: number): tf.Tensor1D {
  return (n === 1 ? v : tf.mean(tf.reshape(v, [fields, n]), 1)) as tf.Tensor1D;
}

/**
 * Per-field mean and (biased) variance over every axis but the last, whose
 * `fields * n` channels are field-major. Combines per-channel moments with the
 * law of total variance (equal counts per channel), so no E[x^2] - E[x]^2
 * cancellation occurs.
 */
export function fieldMoments(x: tf.Tensor, fields: number, n: number): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean: mc, variance: vc } = tf.moments(x, axes);
    if (n === 1) return { mean: mc as tf.Tensor1D, variance: vc as tf.Tensor1D };
    const mean = poolFields(mc, fields, n);
    const spread = tf.square(tf.sub(tf.reshape(mc, [fields, n]), tf.reshape(mean, [fields, 1])));
    const variance = tf.mean(tf.add(tf.reshape(vc, [fields, n]), spread), 1) as tf.Tensor1D;
    return { mean, variance };
  });
}

/**
 * y = gamma (x - mean) / sqrt(variance + epsilon) + beta with the batch statistics
 * of x per field; the gradient flows through the statistics (standard batch norm).
 * Returns the statistics too, for the moving averages.
 */
export function fieldBatchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  fields: number,
  n: number,
  epsilon: number,
): FieldBatchNormResult {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = (x.size / x.shape[x.shape.length - 1]!) * n;
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const xs = xIn as tf.Tensor;
    const g = gammaIn as tf.Tensor1D;
    const b = betaIn as tf.Tensor1D;
    // Ops inside a custom gradient are not taped, so the statistics cost no
    // backward pass; the forward runs in its own tidy scope, hence the keep.
    const m = fieldMoments(xs, fields, n);
    stats = { mean: tf.keep(m.mean), variance: tf.keep(m.variance) };
    const inv = tf.rsqrt(tf.add(stats.variance, epsilon));
    const scale = tf.mul(g, inv);
    const shift = tf.sub(b, tf.mul(stats.mean, scale));
    const value = tf.add(tf.mul(xs, tileFields(scale, fields, n)), tileFields(shift, fields, n));
    (save as tf.GradSaveFunc)([xs, stats.mean, inv, g]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, mean, invSaved, gSaved] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const sumDy = tf.mul(poolFields(tf.sum(dy, axes), fields, n), n);
        const sumDyX = tf.mul(poolFields(tf.sum(tf.mul(dy, sx), axes), fields, n), n);
        const dBeta = sumDy;
        const dGamma = tf.mul(invSaved, tf.sub(sumDyX, tf.mul(mean, sumDy)));
        // dx = a (dy - dBeta / M - xhat dGamma / M) with xhat = (x - mean) inv, written as a dy + b x + c.
        const a = tf.mul(gSaved, invSaved);
        const bCoef = tf.div(tf.neg(tf.mul(tf.mul(a, invSaved), dGamma)), count);
        const c = tf.sub(tf.div(tf.neg(tf.mul(a, dBeta)), count), tf.mul(bCoef, mean));
        const dx = tf.add(tf.add(tf.mul(dy, tileFields(a, fields, n)), tf.mul(sx, tileFields(bCoef, fields, n))), tileFields(c, fields, n));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  const kept = stats as unknown as { mean: tf.Tensor1D; variance: tf.Tensor1D };
  // Clones belong to the caller's scope; the kept originals are released here.
  const mean = tf.clone(kept.mean);
  const variance = tf.clone(kept.variance);
  tf.dispose([kept.mean, kept.variance]);
  return { y, mean, variance };
}
