import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { withMathRandom } from '../testing/seeded-math-random.ts';
import { deviceRandomUniform, usesNativeRandom } from './device-uniform.ts';
import { RandomArgumentError } from './errors.ts';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

afterEach(async () => {
  await tf.setBackend('tensorflow');
});

describe('deviceRandomUniform on native TensorFlow', () => {
  it('runs natively and gives float32 noise on [0, 1) with the moments of U(0, 1)', () => {
    expect(tf.getBackend()).toBe('tensorflow');
    expect(usesNativeRandom()).toBe(true);
    const n = 200_000;
    const u = withMathRandom(1, () => deviceRandomUniform([n]));
    expect(u.dtype).toBe('float32');
    expect(u.shape).toEqual([n]);
    const v = values(u);
    expect(v.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    // Standard errors: sqrt(1/12 / n) = 6.5e-4 for the mean, sqrt(1/180 / n) = 1.7e-4 for the variance; bounds are 6 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4e-3);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(1e-3);
    // Ten equal bins, each within 6 standard errors of n/10.
    const bins = new Array<number>(10).fill(0);
    for (const x of v) bins[Math.floor(x * 10)]!++;
    const sd = Math.sqrt(n * 0.1 * 0.9);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(6 * sd);
  });

  it('is a function of the Math.random stream: same seed, same noise; another seed, other noise', () => {
    const a = withMathRandom(7, () => values(deviceRandomUniform([3, 5, 7])));
    const b = withMathRandom(7, () => values(deviceRandomUniform([3, 5, 7])));
    const c = withMathRandom(8, () => values(deviceRandomUniform([3, 5, 7])));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Successive calls in one block differ, and consume exactly two draws each.
    const [first, second, rest] = withMathRandom(7, () => [values(deviceRandomUniform([3, 5, 7])), values(deviceRandomUniform([3, 5, 7])), Math.random()]);
    expect(first).toEqual(a);
    expect(second).not.toEqual(first);
    const expectedRest = withMathRandom(7, () => {
      for (let i = 0; i < 4; i++) Math.random();
      return Math.random();
    });
    expect(rest).toBe(expectedRest);
  });

  it('with an explicit seed ignores Math.random and repeats', () => {
    const a = withMathRandom(1, () => values(deviceRandomUniform([64], 42)));
    const b = withMathRandom(2, () => values(deviceRandomUniform([64], 42)));
    expect(b).toEqual(a);
    expect(values(deviceRandomUniform([64], 43))).not.toEqual(a);
    // Seeds that differ only above 2^31 still give different noise.
    expect(values(deviceRandomUniform([64], 42 + 2 ** 31))).not.toEqual(a);
  });

  it('leaves no tensors behind, accepts empty shapes and refuses bad arguments', () => {
    const before = tf.memory().numTensors;
    const u = deviceRandomUniform([4, 0, 2]);
    expect(u.shape).toEqual([4, 0, 2]);
    u.dispose();
    tf.tidy(() => {
      deviceRandomUniform([10]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => deviceRandomUniform([2, -1])).toThrow(RandomArgumentError);
    expect(() => deviceRandomUniform([2.5])).toThrow(/non-negative integers/);
    expect(() => deviceRandomUniform([2], 0.5)).toThrow(/seed must be a safe integer/);
  });
});

describe('deviceRandomUniform on another backend', () => {
  it('falls back to tf.randomUniform, drawing its seed from Math.random as before', async () => {
    await tf.setBackend('cpu');
    expect(usesNativeRandom()).toBe(false);
    const u = withMathRandom(3, () => values(deviceRandomUniform([5, 4])));
    const reference = withMathRandom(3, () => values(tf.randomUniform([5, 4])));
    expect(u).toEqual(reference);
    expect(values(deviceRandomUniform([6], 9))).toEqual(values(tf.randomUniform([6], 0, 1, 'float32', 9)));
  });
});
