import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropyAndHits } from '../judge/judge-task.ts';
import { bernoulliNll } from './vae-task.ts';

describe('loss terms', () => {
  it('sums the Bernoulli negative log-likelihood over the pixels of each image, stably', () => {
    const logits = [0.5, -2, 30, -40];
    const target = [1, 0.25, 0, 1];
    const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
    // -[x log s + (1 - x) log(1 - s)], with log(1 - s(l)) = log s(-l) to stay finite at large |l|.
    const want = logits.reduce((acc, l, i) => acc - (target[i] * Math.log(sigmoid(l)) + (1 - target[i]) * Math.log(sigmoid(-l))), 0);
    const got = tf.tidy(() => bernoulliNll(tf.tensor4d(logits, [1, 2, 2, 1]), tf.tensor4d(target, [1, 2, 2, 1])).dataSync());
    expect(got).toHaveLength(1);
    expect(got[0]).toBeCloseTo(want, 3);
    expect(Number.isFinite(got[0])).toBe(true);
  });

  it('gives the judge per-example cross-entropy and hits', () => {
    const { ce, hits } = tf.tidy(() => {
      const r = crossEntropyAndHits(tf.tensor2d([[2, 0, 0], [0, 0, 5]]), tf.tensor1d([0, 1], 'int32'));
      return { ce: Array.from(r.ce.dataSync()), hits: Array.from(r.hits.dataSync()) };
    });
    const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
    expect(ce[0]).toBeCloseTo(lse([2, 0, 0]) - 2, 5);
    expect(ce[1]).toBeCloseTo(lse([0, 0, 5]) - 0, 5);
    expect(hits).toEqual([1, 0]);
  });
});
