import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { farPoleSign, reflectPoleOntoMu } from './householder.ts';

function unitRows(values: number[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.tensor2d(values);
    return tf.div(t, tf.norm(t, 'euclidean', 1, true)) as tf.Tensor2D;
  });
}

describe('Householder reflection of the far pole onto mu', () => {
  // Rows include mu = e1 and mu = -e1 (where v = e1 - mu is 0 or maximal) and mu_1 = 0.
  const mu = unitRows([[1, 0, 0, 0], [-1, 0, 0, 0], [0, 1, 0, 0], [0.3, -0.2, 0.9, 0.1], [-0.7, 0.1, 0.1, -0.5]]);

  it('maps the pole s e1 to mu, with s = -1 when mu_1 >= 0', () => {
    const sign = farPoleSign(mu);
    expect(Array.from(sign.dataSync())).toEqual([-1, 1, 1, -1, 1]);
    const pole = tf.concat([sign, tf.zeros([5, 3])], 1) as tf.Tensor2D;
    const image = reflectPoleOntoMu(pole, mu, sign).arraySync();
    const expected = mu.arraySync();
    image.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
  });

  it('is orthogonal and its own inverse', () => {
    const sign = farPoleSign(mu);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 11) as tf.Tensor2D;
    const once = reflectPoleOntoMu(x, mu, sign);
    const twice = reflectPoleOntoMu(once, mu, sign);
    const norms = [tf.norm(x, 'euclidean', 1).dataSync(), tf.norm(once, 'euclidean', 1).dataSync()];
    norms[0].forEach((n, i) => expect(norms[1][i]).toBeCloseTo(n, 5));
    const back = twice.dataSync();
    x.dataSync().forEach((v, i) => expect(back[i]).toBeCloseTo(v, 5));
  });

  it('has finite gradients in mu everywhere, including mu = e1 and mu = -e1', () => {
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 12) as tf.Tensor2D;
    const target = tf.randomNormal([5, 4], 0, 1, 'float32', 13);
    const grad = tf.grad((m: tf.Tensor) =>
      tf.sum(tf.mul(reflectPoleOntoMu(x, m as tf.Tensor2D, farPoleSign(m as tf.Tensor2D)), target)),
    )(mu);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
