// Places a sample drawn around a pole onto the sphere around mu with a
// Householder reflection, as one custom op with a closed-form backward pass.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Sign s (+1 or -1) per row of mu [B, m] such that the pole s e1 is on the far side of mu:
 * s = -1 when mu_1 >= 0. The reflection then uses v = s e1 - mu with |v|^2 = 2 (1 + |mu_1|) >= 2,
 * so it is well conditioned for every mu, including mu = e1, where the textbook choice v = e1 - mu
 * is 0/0 (s-vae adds 1e-5 to the norm there; its gradient is still unbounded near e1).
 * A decision: not differentiable. Returns [B, 1].
 */
export function farPoleSign(mu: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const positive = tf.cast(tf.greater(tf.slice(mu, [0, 0], [-1, 1]), 0), 'float32');
    return tf.sub(1, tf.mul(positive, 2)) as tf.Tensor2D;
  });
}

/**
 * z = H x per row, where x = w (s e1) + sin(theta) (0, tangent) is the point at cosine w from the pole
 * s e1 = `farPoleSign(mu)` e1 in the direction `tangent` (a unit vector of R^{m-1}), and H is the
 * Householder reflection I - 2 v v^T / (v.v), v = s e1 - mu, which maps s e1 onto mu. H is orthogonal,
 * so |z| = |x| = 1 and mu.z = w (for unit mu).
 *
 * `mu` [B, m], `cosine` [B, 2] = (w, sin(theta)), `tangent` [B, m-1]. Gradients flow to all three:
 * with g = dL/dz, alpha = v.x/(v.v), beta = v.g/(v.v): dL/dmu = 2 (alpha g + beta z) and
 * dL/dx = H g = g - 2 beta v, from which dL/dw = s (Hg)_1 and dL/dsin = (Hg)_{2..m} . tangent.
 */
export function placeAroundMu(mu: tf.Tensor2D, cosine: tf.Tensor2D, tangent: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [m, c, t] = args.slice(0, 3) as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const rows = m.shape[0];
    const sign = farPoleSign(m);
    const [w, sinTheta] = tf.split(c, 2, 1);
    const x = tf.concat([tf.mul(sign, w), tf.mul(sinTheta, t)], 1);
    const v = tf.sub(tf.concat([sign, tf.zeros([rows, m.shape[1] - 1])], 1), m);
    const vv = tf.sum(tf.square(v), 1, true);
    const alpha = tf.div(tf.sum(tf.mul(v, x), 1, true), vv);
    const z = tf.sub(x, tf.mul(tf.mul(alpha, 2), v)) as tf.Tensor2D;
    save([sign, sinTheta, t, v, vv, alpha, z]);
    return {
      value: z,
      gradFunc: (g: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [s, sin, tan, vec, norm2, a, out] = saved;
        const beta = tf.div(tf.sum(tf.mul(vec, g), 1, true), norm2);
        const dMu = tf.mul(tf.add(tf.mul(a, g), tf.mul(beta, out)), 2);
        const dx = tf.sub(g, tf.mul(tf.mul(beta, 2), vec));
        const dxFirst = tf.slice(dx, [0, 0], [-1, 1]);
        const dxRest = tf.slice(dx, [0, 1], [-1, -1]);
        const dCosine = tf.concat([tf.mul(s, dxFirst), tf.sum(tf.mul(dxRest, tan), 1, true)], 1);
        return [dMu, dCosine, tf.mul(sin, dxRest)];
      },
    };
  });
  return op(mu, cosine, tangent) as tf.Tensor2D;
}
