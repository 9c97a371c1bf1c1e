import * as tf from '@tensorflow/tfjs-core';

/**
 * Evaluates `decide(...inputs)` (comparisons, argMax, oneHot: anything without a gradient) and returns
 * it as float32 with a zero gradient for every input. tfjs refuses to differentiate a graph in which
 * a comparison of a differentiable tensor lies between the variables and the loss ("gradient function
 * not found for Greater"); running the decision inside a custom op keeps it off the tape, which is
 * what a stop-gradient would do.
 */
export function indicator(inputs: tf.Tensor[], decide: (...inputs: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    // Only shapes are kept: the inputs may be disposed (by an enclosing tidy) before the backward pass.
    const shapes = xs.map((x) => x.shape);
    return {
      value: tf.cast(decide(...xs), 'float32'),
      gradFunc: () => shapes.map((shape) => tf.zeros(shape)),
    };
  });
  return op(...inputs);
}
