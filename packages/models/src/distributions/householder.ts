import * as tf from '@tensorflow/tfjs-core';
import { indicator } from './indicator.ts';

/**
 * Sign s (+1 or -1) per row of mu [B, m] such that the pole s e1 is on the far side of mu:
 * s = -1 when mu_1 >= 0. The reflection below then uses v = s e1 - mu with |v|^2 = 2 (1 + |mu_1|) >= 2,
 * so it is well conditioned for every mu, including mu = e1, where the textbook choice v = e1 - mu
 * is 0/0 (s-vae adds 1e-5 to the norm there; its gradient is still unbounded near e1). Returns [B, 1].
 */
export function farPoleSign(mu: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const positive = indicator([tf.slice(mu, [0, 0], [-1, 1])], (first) => tf.greater(first, 0));
    return tf.sub(1, tf.mul(positive, 2)) as tf.Tensor2D;
  });
}

/**
 * Applies to each row x of `x` [B, m] the Householder reflection that maps the pole s e1 onto mu:
 * z = x - 2 v (v.x)/(v.v), v = s e1 - mu, with `sign` = s from `farPoleSign(mu)`. The map is orthogonal,
 * so |z| = |x|, and differentiable in mu.
 */
export function reflectPoleOntoMu(x: tf.Tensor2D, mu: tf.Tensor2D, sign: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = mu.shape[1];
    const pole = tf.concat([sign, tf.zeros([mu.shape[0], m - 1])], 1);
    const v = tf.sub(pole, mu);
    const scale = tf.div(tf.mul(tf.sum(tf.mul(v, x), 1, true), 2), tf.sum(tf.square(v), 1, true));
    return tf.sub(x, tf.mul(v, scale)) as tf.Tensor2D;
  });
}
