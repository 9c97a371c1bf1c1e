import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { seedFor, withSeededRandom } from './seeded-random.ts';

describe('withSeededRandom', () => {
  it('makes unseeded TensorFlow.js randomness (initialisers, dropout, random ops) reproducible', () => {
    const draw = (seed: number): number[] =>
      withSeededRandom(seed, () =>
        tf.tidy(() => {
          const dense = tfl.layers.dense({ units: 3, inputShape: [4] });
          const model = tfl.sequential({ layers: [dense, tfl.layers.dropout({ rate: 0.5 })] });
          const y = model.apply(tf.ones([2, 4]), { training: true }) as tf.Tensor;
          const out = [...y.dataSync(), ...tf.randomNormal([3]).dataSync(), ...tf.randomUniform([3]).dataSync()];
          model.layers.forEach((l) => l.dispose());
          return out;
        }),
      );
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('restores Math.random afterwards, even when the block throws', () => {
    const original = Math.random;
    expect(() =>
      withSeededRandom(1, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
  });

  it('derives distinct seeds per purpose', () => {
    expect(seedFor(1, 'step:0:0')).not.toBe(seedFor(1, 'step:0:1'));
    expect(seedFor(1, 'x')).toBe(seedFor(1, 'x'));
  });
});
