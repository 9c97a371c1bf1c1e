import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { farPoleSign, placeAroundMu } from './householder.ts';

function unitRows(t: tf.Tensor2D): tf.Tensor2D {
  return tf.div(t, tf.norm(t, 'euclidean', 1, true)) as tf.Tensor2D;
}

// The same map written with plain tf ops, differentiated by tfjs: the reference for the custom backward
// pass. The sign is a constant of the map (tfjs cannot differentiate through the comparison that makes it).
function placeAroundMuByAutodiff(mu: tf.Tensor2D, cosine: tf.Tensor2D, tangent: tf.Tensor2D, sign: tf.Tensor2D): tf.Tensor2D {
  const [w, sinTheta] = tf.split(cosine, 2, 1);
  const x = tf.concat([tf.mul(sign, w), tf.mul(sinTheta, tangent)], 1);
  const v = tf.sub(tf.concat([sign, tf.zeros([mu.shape[0], mu.shape[1] - 1])], 1), mu);
  const alpha = tf.div(tf.sum(tf.mul(v, x), 1, true), tf.sum(tf.square(v), 1, true));
  return tf.sub(x, tf.mul(tf.mul(alpha, 2), v)) as tf.Tensor2D;
}

describe('placeAroundMu (Householder reflection of the far pole onto mu)', () => {
  // Rows include mu = e1 and mu = -e1 (where v = e1 - mu is 0 or maximal) and mu_1 = 0.
  const mu = unitRows(tf.tensor2d([[1, 0, 0, 0], [-1, 0, 0, 0], [0, 1, 0, 0], [0.3, -0.2, 0.9, 0.1], [-0.7, 0.1, 0.1, -0.5]]));
  const theta = tf.tensor2d([[0.3], [2], [1.1], [0.01], [3]]);
  const cosine = tf.concat([tf.cos(theta), tf.sin(theta)], 1) as tf.Tensor2D;
  const tangent = unitRows(tf.randomNormal([5, 3], 0, 1, 'float32', 11) as tf.Tensor2D);

  it('uses the pole on the far side of mu: s = -1 when mu_1 >= 0', () => {
    expect(Array.from(farPoleSign(mu).dataSync())).toEqual([-1, 1, 1, -1, 1]);
  });

  it('maps the pole onto mu and keeps unit norm, with mu.z = w', () => {
    const atPole = placeAroundMu(mu, tf.tile(tf.tensor2d([[1, 0]]), [5, 1]) as tf.Tensor2D, tangent);
    const expected = mu.dataSync();
    atPole.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const z = placeAroundMu(mu, cosine, tangent);
    const norms = tf.norm(z, 'euclidean', 1).dataSync();
    const dots = tf.sum(tf.mul(z, mu), 1).dataSync();
    const w = tf.cos(theta).dataSync();
    for (let i = 0; i < 5; i++) {
      expect(norms[i]).toBeCloseTo(1, 6);
      expect(dots[i]).toBeCloseTo(w[i], 6);
    }
  });

  it('has the same gradients as automatic differentiation of the plain formula, finite at mu = +-e1', () => {
    const g = tf.randomNormal([5, 4], 0, 1, 'float32', 13);
    const sign = farPoleSign(mu);
    const loss =
      (place: (m: tf.Tensor2D, c: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor2D) => (m: tf.Tensor, c: tf.Tensor, t: tf.Tensor) =>
        tf.sum(tf.mul(place(m as tf.Tensor2D, c as tf.Tensor2D, t as tf.Tensor2D), g));
    const custom = tf.grads(loss(placeAroundMu))([mu, cosine, tangent]);
    const reference = tf.grads(loss((m, c, t) => placeAroundMuByAutodiff(m, c, t, sign)))([mu, cosine, tangent]);
    custom.forEach((grad, k) => {
      const a = grad.dataSync();
      const b = reference[k].dataSync();
      a.forEach((v, i) => {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * (1 + Math.abs(b[i])));
      });
    });
  });
});
