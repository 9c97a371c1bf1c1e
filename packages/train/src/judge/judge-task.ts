// The judge: a classifier trained with softmax cross-entropy on upright
// digits. Any tf.LayersModel from images to class logits fits.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '../batching/image-batches.ts';
import { TrainError } from '../errors.ts';
import type { TrainTask } from '../loop/train-loop.ts';

/** Per-example cross-entropy and correctness of logits [n, classes] against int32 labels [n]. */
export function crossEntropyAndHits(logits: tf.Tensor2D, labels: tf.Tensor1D): { ce: tf.Tensor1D; hits: tf.Tensor1D } {
  const classes = logits.shape[1];
  const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
  const hits = tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32') as tf.Tensor1D;
  return { ce, hits };
}

export function createJudgeTask(model: tfl.LayersModel): TrainTask {
  const logitsOf = (batch: Batch, training: boolean): { logits: tf.Tensor2D; labels: tf.Tensor1D } => {
    if (batch.labels === undefined) throw new TrainError('the judge needs labelled images; the dataset has no labels');
    const logits = model.apply(batch.x, { training }) as tf.Tensor2D;
    return { logits, labels: batch.labels };
  };
  return {
    label: 'judge',
    models: [{ name: 'judge', model }],
    statNames: ['loss', 'accuracy'],
    lossTerms: { loss: 'cross-entropy' },
    beginEpoch: () => ({}),
    trainLoss(batch) {
      const { logits, labels } = logitsOf(batch, true);
      const { ce, hits } = crossEntropyAndHits(logits, labels);
      const loss = tf.mean(ce) as tf.Scalar;
      return { loss, stats: tf.stack([loss, tf.mean(hits)]) as tf.Tensor1D };
    },
    evalSums(batch) {
      const { logits, labels } = logitsOf(batch, false);
      const { ce, hits } = crossEntropyAndHits(logits, labels);
      return tf.stack([tf.sum(ce), tf.sum(hits)]) as tf.Tensor1D;
    },
  };
}
