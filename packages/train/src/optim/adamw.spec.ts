import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.ts';

// Reference: a float64 transcription of torch.optim.AdamW's update rule.
function referenceAdamW(
  p0: number[],
  grads: number[][],
  o: { lr: number; b1: number; b2: number; eps: number; wd: number },
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - o.lr * o.wd;
      m[i] = o.b1 * m[i] + (1 - o.b1) * g[i];
      v[i] = o.b2 * v[i] + (1 - o.b2) * g[i] * g[i];
      const mHat = m[i] / (1 - o.b1 ** t);
      const vHat = v[i] / (1 - o.b2 ** t);
      p[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  });
  return p;
}

describe('AdamW', () => {
  const o = { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1 };
  const p0 = [0.5, -1.25, 2, 0];
  const grads = [
    [0.1, -0.2, 0.3, 0],
    [0.05, 0.4, -0.3, 1e-3],
    [-0.2, 0.1, 0.0, -2],
  ];

  it('matches a hand computation of three decoupled-decay updates', () => {
    const x = tf.variable(tf.tensor1d(p0));
    const opt = new AdamW([x], { learningRate: o.lr, beta1: o.b1, beta2: o.b2, epsilon: o.eps, weightDecay: o.wd });
    for (const g of grads) tf.tidy(() => opt.applyGradients([tf.tensor1d(g)]));
    const want = referenceAdamW(p0, grads, o);
    const got = Array.from(x.dataSync());
    got.forEach((value, i) => expect(value).toBeCloseTo(want[i], 6));
    expect(opt.iterations).toBe(3);
    // The first step of Adam moves every coordinate with a non-zero gradient by about lr.
    expect(Math.abs(referenceAdamW(p0, [grads[0]], { ...o, wd: 0 })[0] - p0[0])).toBeCloseTo(o.lr, 6);
    opt.dispose();
    x.dispose();
  });

  it('decays weights even where the gradient is zero, unlike L2-in-the-gradient Adam', () => {
    const x = tf.variable(tf.tensor1d([2]));
    const opt = new AdamW([x], { learningRate: 0.1, weightDecay: 0.5 });
    tf.tidy(() => opt.applyGradients([tf.tensor1d([0])]));
    expect(x.dataSync()[0]).toBeCloseTo(2 * (1 - 0.1 * 0.5), 6);
    opt.dispose();
    x.dispose();
  });

  it('continues identically from a saved state', () => {
    const run = (split: boolean): number[] => {
      const x = tf.variable(tf.tensor1d(p0));
      let opt = new AdamW([x], { learningRate: o.lr, weightDecay: o.wd });
      tf.tidy(() => opt.applyGradients([tf.tensor1d(grads[0])]));
      if (split) {
        const state = opt.getState();
        const saved = { step: state.step, m: state.m.map((t) => t.clone()), v: state.v.map((t) => t.clone()) };
        opt.dispose();
        opt = new AdamW([x], { learningRate: o.lr, weightDecay: o.wd });
        opt.setState(saved);
        tf.dispose([...saved.m, ...saved.v]);
      }
      for (const g of grads.slice(1)) tf.tidy(() => opt.applyGradients([tf.tensor1d(g)]));
      const out = Array.from(x.dataSync());
      opt.dispose();
      x.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('leaves no tensors behind per step and frees its state on dispose', () => {
    const x = tf.variable(tf.randomNormal([3, 3], 0, 1, 'float32', 1));
    const before = tf.memory().numTensors;
    const opt = new AdamW([x], { learningRate: 1e-3, weightDecay: 1e-5 });
    const afterCreate = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.tidy(() => opt.applyGradients([tf.onesLike(x)]));
    expect(tf.memory().numTensors).toBe(afterCreate);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
