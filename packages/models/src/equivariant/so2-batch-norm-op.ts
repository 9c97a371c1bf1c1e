// Training-mode batch normalisation of band-limited SO(2) fields as one op
// with an analytic gradient (the SO(2) counterpart of field-batch-norm-op.ts).
// Per field: the frequency-0 channel is an invariant scalar and gets ordinary
// batch norm (mean, variance, scale, shift); each frequency-k pair (cos, sin)
// is divided by the root of its mean squared amplitude E[(a^2 + b^2) / 2]
// with no mean subtraction and no shift, and one learned scale shared by the
// pair. Subtracting a mean or adding a shift on a pair would not commute with
// its rotation; a shared scale does, for every angle.
//
// Written with an analytic backward pass because automatic differentiation of
// the composite makes about a dozen passes over the activations; this one
// makes five (two reductions and dx = dy a + x q + p).
import * as tf from '@tensorflow/tfjs-core';

export interface So2BatchNormResult {
  y: tf.Tensor;
  /** Batch mean of each field's frequency-0 channel [fields]. */
  mean: tf.Tensor1D;
  /**
   * Per field and irrep, [fields * (L + 1)] field-major: the biased batch variance of the
   * frequency-0 channel, then E[(a^2 + b^2) / 2] of each frequency-k pair.
   */
  moment: tf.Tensor1D;
}

/** Per field and irrep [F, L+1] from a per-channel vector [F * (2L+1)]: the frequency-0 value, then the sum over each pair. */
export function irrepSums(v: tf.Tensor, fields: number, maxFrequency: number): tf.Tensor2D {
  const d = 2 * maxFrequency + 1;
  const m = tf.reshape(v, [fields, d]);
  if (maxFrequency === 0) return m as tf.Tensor2D;
  const pairs = tf.sum(tf.reshape(tf.slice(m, [0, 1], [fields, 2 * maxFrequency]), [fields, maxFrequency, 2]), 2);
  return tf.concat([tf.slice(m, [0, 0], [fields, 1]), pairs], 1) as tf.Tensor2D;
}

/** Per-channel vector [F * (2L+1)] from a per-irrep one [F, L+1]: each pair's value on both of its channels. */
export function irrepsToChannels(u: tf.Tensor, fields: number, maxFrequency: number): tf.Tensor1D {
  const d = 2 * maxFrequency + 1;
  if (maxFrequency === 0) return tf.reshape(u, [fields]) as tf.Tensor1D;
  const m = tf.reshape(u, [fields, maxFrequency + 1]);
  const pairs = tf.reshape(tf.tile(tf.reshape(tf.slice(m, [0, 1], [fields, maxFrequency]), [fields, maxFrequency, 1]), [1, 1, 2]), [fields, 2 * maxFrequency]);
  return tf.reshape(tf.concat([tf.slice(m, [0, 0], [fields, 1]), pairs], 1), [fields * d]) as tf.Tensor1D;
}

/** A per-channel vector that holds `v0` [F] on each field's frequency-0 channel and 0 on the pairs. */
export function onFrequencyZero(v0: tf.Tensor, fields: number, maxFrequency: number): tf.Tensor1D {
  const d = 2 * maxFrequency + 1;
  if (maxFrequency === 0) return tf.reshape(v0, [fields]) as tf.Tensor1D;
  return tf.reshape(tf.pad(tf.reshape(v0, [fields, 1]), [[0, 0], [0, d - 1]]), [fields * d]) as tf.Tensor1D;
}

/** The frequency-0 entries [F] of a per-channel vector [F * (2L+1)]. */
export function frequencyZero(v: tf.Tensor, fields: number, maxFrequency: number): tf.Tensor1D {
  const d = 2 * maxFrequency + 1;
  return tf.reshape(tf.slice(tf.reshape(v, [fields, d]), [0, 0], [fields, 1]), [fields]) as tf.Tensor1D;
}

/** Irrep weights [1, L+1]: `first` for frequency 0, `rest` for the pairs. */
function irrepWeights(maxFrequency: number, first: number, rest: number): tf.Tensor2D {
  return tf.tensor2d([first, ...new Array<number>(maxFrequency).fill(rest)], [1, maxFrequency + 1]);
}

/** Batch statistics of SO(2) fields: frequency-0 mean [F] and the per-irrep moments [F * (L+1)] (see So2BatchNormResult). */
export function so2Moments(x: tf.Tensor, fields: number, maxFrequency: number): { mean: tf.Tensor1D; moment: tf.Tensor1D } {
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean: mc, variance: vc } = tf.moments(x, axes);
    // Frequency 0 keeps its variance (no E[x^2] - E[x]^2 cancellation); pairs use E[x^2].
    const second = tf.add(vc, tf.mul(tf.sub(tf.scalar(1), onFrequencyZero(tf.ones([fields]), fields, maxFrequency)), tf.square(mc)));
    const moment = tf.mul(irrepSums(second, fields, maxFrequency), irrepWeights(maxFrequency, 1, 0.5));
    return { mean: frequencyZero(mc, fields, maxFrequency), moment: tf.reshape(moment, [-1]) as tf.Tensor1D };
  });
}

/**
 * Batch norm of `fields` Fourier fields of band limit L (trivial fields: L = 0) with the batch
 * statistics; gamma is [F * (L+1)] (one scale per irrep), beta [F] (frequency 0 only). The
 * gradient flows through the statistics. Returns the statistics for the moving averages.
 */
export function so2BatchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  fields: number,
  maxFrequency: number,
  epsilon: number,
): So2BatchNormResult {
  const L = maxFrequency;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = x.size / x.shape[x.shape.length - 1]!;
  let stats: { mean: tf.Tensor1D; moment: tf.Tensor1D } | null = null;
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const xs = xIn as tf.Tensor;
    // Ops inside a custom gradient are not taped; the forward runs in its own tidy scope, hence the keep.
    const m = so2Moments(xs, fields, L);
    stats = { mean: tf.keep(m.mean), moment: tf.keep(m.moment) };
    const g = tf.reshape(gammaIn as tf.Tensor, [fields, L + 1]);
    const inv = tf.rsqrt(tf.add(tf.reshape(stats.moment, [fields, L + 1]), epsilon));
    const scale = tf.mul(g, inv);
    const shift0 = tf.sub(betaIn as tf.Tensor, tf.mul(stats.mean, tf.reshape(tf.slice(scale, [0, 0], [fields, 1]), [fields])));
    const value = tf.add(tf.mul(xs, irrepsToChannels(scale, fields, L)), onFrequencyZero(shift0, fields, L));
    (save as tf.GradSaveFunc)([xs, stats.mean, inv, g, scale]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, mean0, invSaved, gSaved, scaleSaved] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const ga = irrepSums(tf.sum(tf.mul(dy, sx), axes), fields, L);
        const gb0 = frequencyZero(tf.sum(dy, axes), fields, L);
        // d gamma = inv (sum dy x - [mean0 sum dy, 0, ...]) per irrep.
        const centred = tf.sub(ga, tf.pad(tf.reshape(tf.mul(mean0, gb0), [fields, 1]), [[0, 0], [0, L]]));
        const dGamma = tf.mul(invSaved, centred);
        // dL/d moment = -gamma inv^3 centred / 2; a moment is E[x^2] (pairs, averaged over 2
        // channels) or the variance (frequency 0), whence q = 2 dL/dm2 / count per channel.
        const dMoment = tf.mul(tf.mul(tf.mul(gSaved, tf.square(invSaved)), dGamma), -0.5);
        const q = tf.div(tf.mul(dMoment, irrepWeights(L, 2, 1)), count);
        const a0 = tf.reshape(tf.slice(scaleSaved, [0, 0], [fields, 1]), [fields]);
        const q0 = tf.reshape(tf.slice(q, [0, 0], [fields, 1]), [fields]);
        const p0 = tf.sub(tf.div(tf.neg(tf.mul(a0, gb0)), count), tf.mul(mean0, q0));
        const dx = tf.add(
          tf.add(tf.mul(dy, irrepsToChannels(scaleSaved, fields, L)), tf.mul(sx, irrepsToChannels(q, fields, L))),
          onFrequencyZero(p0, fields, L),
        );
        return [dx, tf.reshape(dGamma, [fields * (L + 1)]), gb0];
      },
    };
  });
  const y = op(x, gamma, beta);
  const kept = stats as unknown as { mean: tf.Tensor1D; moment: tf.Tensor1D };
  // Clones belong to the caller's scope; the kept originals are released here.
  const mean = tf.clone(kept.mean);
  const moment = tf.clone(kept.moment);
  tf.dispose([kept.mean, kept.moment]);
  return { y, mean, moment };
}
