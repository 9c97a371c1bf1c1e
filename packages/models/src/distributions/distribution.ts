import type * as tf from '@tensorflow/tfjs-core';

/**
 * A batch of distributions over R^eventSize (or a sphere in it), one per row. Tensors passed to a
 * constructor stay owned by the caller; every method returns new tensors owned by the caller.
 */
export interface Distribution {
  /** Number of independent distributions (rows). */
  readonly batchSize: number;
  /** Number of entries of one sample (for spherical distributions: the ambient dimension m). */
  readonly eventSize: number;
  /**
   * One sample per row, [batchSize, eventSize]. Pure: the same seed (an integer) gives the same
   * samples, and nothing else is read or written. Differentiable in the parameters where the
   * distribution supports reparameterisation.
   */
  sample(seed: number): tf.Tensor2D;
  /** log density of each row of `value` ([batchSize, eventSize]) under its row's distribution, [batchSize]. */
  logProb(value: tf.Tensor2D): tf.Tensor1D;
  /** Differential entropy per row, [batchSize]. */
  entropy(): tf.Tensor1D;
  /** Mean per row, [batchSize, eventSize]. */
  mean(): tf.Tensor2D;
}
