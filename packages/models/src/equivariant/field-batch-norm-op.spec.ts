import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fieldBatchNormTraining, fieldMoments } from './field-batch-norm-op.ts';

/** The same normalisation written with plain ops, differentiated automatically. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, fields: number, n: number, eps: number): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const xs = tf.reshape(x, [...lead, fields, n]);
  const axes = [...lead.map((_, i) => i), lead.length + 1];
  const { mean, variance } = tf.moments(xs, axes, true);
  const y = tf.add(tf.mul(tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, eps))), tf.reshape(gamma, [fields, 1])), tf.reshape(beta, [fields, 1]));
  return tf.reshape(y, x.shape);
}

function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.norm(tf.sub(a, b)).dataSync()[0]! / Math.max(tf.norm(b).dataSync()[0]!, 1e-12);
}

describe('field batch norm op', () => {
  for (const [shape, fields, n] of [
    [[4, 5, 5, 12], 3, 4],
    [[6, 7], 7, 1],
    [[3, 3, 3, 16], 2, 8],
  ] as const) {
    it(`matches automatic differentiation of the plain formula for shape ${JSON.stringify(shape)}, ${fields} fields of ${n}`, () => {
      const x = tf.add(tf.mul(tf.randomNormal([...shape], 0, 1, 'float32', 1), 3), 1.5);
      const gamma = tf.randomUniform([fields], 0.5, 2, 'float32', 2) as tf.Tensor1D;
      const beta = tf.randomNormal([fields], 0, 1, 'float32', 3) as tf.Tensor1D;
      const w = tf.randomNormal([...shape], 0, 1, 'float32', 4);
      const eps = 1e-5;
      const ours = tf.grads((a, g, b) => tf.sum(tf.mul(fieldBatchNormTraining(a!, g as tf.Tensor1D, b as tf.Tensor1D, fields, n, eps).y, w)));
      const theirs = tf.grads((a, g, b) => tf.sum(tf.mul(reference(a!, g!, b!, fields, n, eps), w)));
      const got = ours([x, gamma, beta]);
      const want = theirs([x, gamma, beta]);
      got.forEach((g, i) => expect(relDiff(g, want[i]!)).toBeLessThan(1e-4));
      const { y, mean, variance } = fieldBatchNormTraining(x, gamma, beta, fields, n, eps);
      expect(relDiff(y, reference(x, gamma, beta, fields, n, eps))).toBeLessThan(1e-5);
      const m = fieldMoments(x, fields, n);
      expect(Array.from(mean.dataSync())).toEqual(Array.from(m.mean.dataSync()));
      expect(Array.from(variance.dataSync())).toEqual(Array.from(m.variance.dataSync()));
    });
  }
});
