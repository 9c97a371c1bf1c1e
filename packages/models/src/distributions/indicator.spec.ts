import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { indicator } from './indicator.ts';

describe('indicator', () => {
  it('returns the decision as float32 and lets gradients flow around it', () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    expect(Array.from(indicator([x], (v) => tf.greater(v, 0)).dataSync())).toEqual([0, 1, 1]);
    // d/dx sum(mask(x) * x^2) = mask(x) * 2x: the mask is a constant for differentiation.
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(indicator([v], (u) => tf.greater(u, 0)), tf.square(v))))(x);
    expect(Array.from(grad.dataSync())).toEqual([0, 1, 4]);
  });
});
