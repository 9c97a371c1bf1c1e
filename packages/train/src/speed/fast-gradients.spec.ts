import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { installFastGradients } from './fast-gradients.ts';

// Gradient cases computed with tfjs's built-in gradients first, then again
// after installFastGradients(); both must agree.
type Case = { name: string; run: () => number[] };

const x4 = tf.randomNormal([3, 5, 4, 6], 0.3, 1.2, 'float32', 1);
const dy4 = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 2);
const c6 = (seed: number, mean = 0, sd = 1) => tf.randomNormal([6], mean, sd, 'float32', seed);
const flat = (ts: tf.Tensor[]): number[] => ts.flatMap((t) => Array.from(t.dataSync()));
// float32 sums in another order: agree to a few ulps of the larger values.
const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));

const layer = tfl.layers.batchNormalization({ inputShape: [5, 4, 6] });
layer.build([null, 5, 4, 6]);
layer.setWeights([c6(3, 1, 0.2), c6(4), tf.zeros([6]), tf.ones([6])]);

const cases: Case[] = [
  { name: 'relu', run: () => flat([tf.grad((v: tf.Tensor) => tf.relu(v))(x4, dy4)]) },
  {
    name: 'mean over axes, with and without keepDims',
    run: () =>
      flat([
        tf.grad((v: tf.Tensor) => tf.mul(tf.mean(v, [0, 1, 2]), c6(5)))(x4),
        tf.grad((v: tf.Tensor) => tf.mul(tf.mean(v, [1, 2], true), 3))(x4),
        tf.grad((v: tf.Tensor) => tf.mean(v))(x4),
      ]),
  },
  {
    name: 'batchNorm with per-channel parameters, all five partials',
    run: () =>
      flat(
        tf.grads((x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
          tf.mul(tf.batchNorm(x, m, v, o, s, 1e-3), dy4),
        )([x4, c6(6), tf.abs(c6(7, 1)), c6(8), c6(9, 1)]).map((g) => tf.sum(g, 0)),
      ),
  },
  {
    name: 'a tfjs-layers BatchNormalization layer in training mode',
    run: () => {
      const grads = tf.grads((x: tf.Tensor) => tf.mul(layer.apply(x, { training: true }) as tf.Tensor, dy4))([x4]);
      const { grads: wg } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x4, { training: true }) as tf.Tensor, dy4)) as tf.Scalar,
        layer.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      return flat([...grads, ...Object.values(wg)]);
    },
  },
];

describe('installFastGradients', () => {
  it('gives the built-in gradients with fewer kernels', async () => {
    const before = cases.map((c) => tf.tidy(() => c.run()));
    const kernelsOf = async (): Promise<number> => (await tf.profile(() => tf.tidy(() => void cases.forEach((c) => c.run())))).kernels.length;
    const kernelsBefore = await kernelsOf();
    installFastGradients();
    installFastGradients();
    cases.forEach((c, i) => {
      const after = tf.tidy(() => c.run());
      expect(after.length, c.name).toBe(before[i].length);
      after.forEach((v, j) => close(v, before[i][j], `${c.name} [${j}]`));
    });
    expect(await kernelsOf()).toBeLessThan(kernelsBefore);
  });

  // Runs after the test above has installed the fast gradients.
  it('differentiates batchNorm with full-rank parameters like the composite formula (tfjs\'s own gradient fails there)', () => {
    installFastGradients();
    const m = tf.mean(x4, [0], true);
    const inputs = [x4, m, tf.add(tf.abs(m), 0.5), tf.neg(m), tf.add(tf.abs(m), 1)];
    type F = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.Tensor;
    const fused: F = (x, mm, v, o, sc) => tf.mul(tf.batchNorm(x, mm, v, o, sc, 1e-3), dy4);
    const composite: F = (x, mm, v, o, sc) => tf.mul(tf.add(tf.mul(tf.sub(x, mm), tf.div(sc, tf.sqrt(tf.add(v, 1e-3)))), o), dy4);
    const a = flat(tf.grads(fused)(inputs));
    const b = flat(tf.grads(composite)(inputs));
    a.forEach((v, i) => close(v, b[i], `[${i}]`));
  });
});
