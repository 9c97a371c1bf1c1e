import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relativeError } from './bessel-reference.ts';
import { klDivergence } from './kl-registry.ts';
import { Normal, StandardNormal } from './normal.ts';
import { meanWithStandardError } from './sample-statistics.ts';

// KL(N(m1, s1^2) || N(m2, s2^2)) per dimension in float64, the textbook closed form.
const klClosedForm = (m1: number, s1: number, m2: number, s2: number) =>
  Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;

describe('Normal (diagonal) and StandardNormal', () => {
  const loc = [[0.3, -1.2, 2], [0, 0.5, -0.1]];
  const scale = [[0.5, 1.3, 0.05], [1, 2, 0.9]];

  it('has the closed-form KL to another Normal and to the standard normal', () => {
    const p = new Normal(tf.tensor2d(loc), tf.tensor2d(scale));
    const qLoc = [[1, 0, 0.5], [-0.2, 0.1, 0]];
    const qScale = [[2, 0.7, 1], [0.3, 1, 1.1]];
    const q = new Normal(tf.tensor2d(qLoc), tf.tensor2d(qScale));
    const kl = klDivergence(p, q).dataSync();
    const klPrior = klDivergence(p, new StandardNormal(3)).dataSync();
    for (let b = 0; b < 2; b++) {
      let expected = 0;
      let expectedPrior = 0;
      for (let j = 0; j < 3; j++) {
        expected += klClosedForm(loc[b][j], scale[b][j], qLoc[b][j], qScale[b][j]);
        expectedPrior += klClosedForm(loc[b][j], scale[b][j], 0, 1);
      }
      expect(relativeError(kl[b], expected)).toBeLessThan(1e-6);
      expect(relativeError(klPrior[b], expectedPrior)).toBeLessThan(1e-6);
    }
  });

  it('keeps the KL accurate near posterior collapse (scale 1 + 1e-3, mean 0)', () => {
    const p = new Normal(tf.zeros([1, 4]), tf.fill([1, 4], 1.001) as tf.Tensor2D);
    const s = Math.fround(1.001);
    const expected = 4 * (0.5 * (s * s - 1) - Math.log(s));
    // The naive float32 form loses ~3 digits here (terms ~1e-3, result ~4e-6).
    expect(relativeError(klDivergence(p, new StandardNormal(4)).dataSync()[0], expected)).toBeLessThan(1e-3);
  });

  it('samples with the given mean and variance (reparameterised: d sample / d loc = 1)', () => {
    const n = 20000;
    const p = new Normal(tf.tile(tf.tensor2d([loc[0]]), [n, 1]) as tf.Tensor2D, tf.tile(tf.tensor2d([scale[0]]), [n, 1]) as tf.Tensor2D);
    const z = p.sample(3).arraySync();
    for (let j = 0; j < 3; j++) {
      const column = z.map((row) => row[j]);
      const { mean, standardError } = meanWithStandardError(column);
      expect(Math.abs(mean - loc[0][j])).toBeLessThan(4 * standardError);
      const variance = meanWithStandardError(column.map((v) => (v - loc[0][j]) ** 2));
      expect(Math.abs(variance.mean - scale[0][j] ** 2)).toBeLessThan(4 * variance.standardError);
    }
    const g = tf.grad((l: tf.Tensor) => tf.sum(new Normal(l as tf.Tensor2D, tf.ones([2, 3])).sample(1)))(tf.zeros([2, 3]));
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('has the closed-form log density and entropy', () => {
    const p = new Normal(tf.tensor2d(loc), tf.tensor2d(scale));
    const x = [[0, 0, 2.1], [1, -1, 0]];
    const logProb = p.logProb(tf.tensor2d(x)).dataSync();
    const entropy = p.entropy().dataSync();
    for (let b = 0; b < 2; b++) {
      let lp = 0;
      let magnitude = 0;
      let h = 0;
      for (let j = 0; j < 3; j++) {
        const terms = [-0.5 * ((x[b][j] - loc[b][j]) / scale[b][j]) ** 2, -Math.log(scale[b][j]), -0.5 * Math.log(2 * Math.PI)];
        lp += terms[0] + terms[1] + terms[2];
        magnitude += Math.abs(terms[0]) + Math.abs(terms[1]) + Math.abs(terms[2]);
        h += 0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(scale[b][j]);
      }
      // A sum of float32 terms of both signs: bounded relative to the sum of their magnitudes.
      expect(Math.abs(logProb[b] - lp)).toBeLessThan(1e-6 * magnitude);
      expect(relativeError(entropy[b], h)).toBeLessThan(1e-6);
    }
    const prior = new StandardNormal(3, 2);
    expect(prior.logProb(tf.tensor2d([[0, 0, 0]])).dataSync()[0]).toBeCloseTo(-1.5 * Math.log(2 * Math.PI), 6);
    expect(prior.entropy().dataSync()[0]).toBeCloseTo(1.5 * (1 + Math.log(2 * Math.PI)), 5);
    expect(prior.sample(1).shape).toEqual([2, 3]);
  });

  it('refuses mismatched shapes', () => {
    expect(() => new Normal(tf.zeros([2, 3]), tf.ones([2, 2]))).toThrow(/same shape/);
    expect(() => klDivergence(new Normal(tf.zeros([1, 3]), tf.ones([1, 3])), new StandardNormal(2))).toThrow(/same dimension/);
  });
});
