import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tidyValues } from './tidy-values.ts';

describe('tidyValues', () => {
  it('returns plain values and disposes every tensor made inside', () => {
    const before = tf.memory().numTensors;
    const values = tidyValues(() => tf.square(tf.tensor1d([1, 2, 3])).dataSync());
    expect(Array.from(values)).toEqual([1, 4, 9]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
