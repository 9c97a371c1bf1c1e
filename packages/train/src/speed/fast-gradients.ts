// Leaner gradients for three kernels whose built-in tfjs gradients cost far
// more memory traffic than their maths. The values are the same (up to
// float rounding order); only the number of full-size temporaries changes.
//
// - Relu: tfjs differentiates it as dy * cast(step(x)), and tfjs-node runs
//   `step` as six kernels (isNaN, greater, ones, fill, where, select) with
//   three activation-sized temporaries. dy * cast(x > 0) is what
//   TensorFlow's own ReluGrad computes, in three kernels. (At x = NaN the
//   gradient becomes 0 instead of NaN, as in TensorFlow; the loss is NaN
//   then anyway and training stops.)
// - Mean: tfjs builds ones(x.shape), multiplies and divides (three
//   full-size passes); broadcasting dy / n is one. Batch norm in training
//   mode takes two means per layer (tf.moments).
// - FusedBatchNorm (the normalisation after tf.moments in tfjs-layers'
//   BatchNormalization): the built-in gradient tiles 1/sqrt(var) to the
//   activation's size and computes every partial separately, about fourteen
//   full-size passes; sharing sum(dy) and sum(dy (x - mean)) and broadcasting
//   the per-channel factors needs five.
import * as tf from '@tensorflow/tfjs-core';

let installed = false;

function reluGrad(): tf.GradConfig {
  return {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, 0), 'float32')) };
    },
  };
}

function meanGrad(): tf.GradConfig {
  return {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return {
        x: () => {
          const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
          return tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, kept), count), x.shape);
        },
      };
    },
  };
}

function fusedBatchNormGrad(): tf.GradConfig {
  return {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dyIn, saved, attrs) => {
      const dy = dyIn as tf.Tensor;
      const { varianceEpsilon } = attrs as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved;
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor): tf.Tensor => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
      // y = (x - mean) * g + offset with g = scale / sqrt(variance + eps), all per channel.
      const rstd = tf.rsqrt(tf.add(variance, varianceEpsilon));
      // (tfjs cannot differentiate a batchNorm without scale or offset at all; kept general anyway.)
      const g = scale == null ? rstd : tf.mul(rstd, scale);
      // Computed once here (inside the backward pass's scope), shared by the partials below.
      const sumDy = reduce(dy);
      const sumDyCentred = reduce(tf.mul(dy, tf.sub(x, mean)));
      return {
        x: () => tf.mul(dy, g),
        mean: () => tf.neg(tf.mul(sumDy, g)),
        variance: () => tf.mul(sumDyCentred, tf.mul(g, tf.mul(tf.square(rstd), -0.5))),
        scale: () => tf.mul(sumDyCentred, rstd),
        offset: () => tf.clone(sumDy),
      };
    },
  };
}

/**
 * Replaces the gradients of Relu, Mean and FusedBatchNorm (global and
 * idempotent). The training loop calls it; so should anything that wants to
 * time training steps as the trainer runs them.
 */
export function installFastGradients(): void {
  if (installed) return;
  installed = true;
  // registerGradient warns when it replaces an entry; here that is the point.
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const config of [reluGrad(), meanGrad(), fusedBatchNormGrad()]) tf.registerGradient(config);
  } finally {
    console.warn = warn;
  }
}
