import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { VonMisesFisher } from './src/distributions/index.ts';
import { besselReference } from './src/distributions/bessel-reference.ts';
await useBackend('tensorflow', { purpose: 'bench' });
for (const [m, k0] of [[2, 1e4], [64, 1e4], [10, 1e4], [6, 10]]) {
  const zs: string[] = [];
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const n = 40000;
    const mu = tf.tidy(() => { const r = tf.randomNormal([n, m], 0, 1, 'float32', 5 + seed); return tf.div(r, tf.norm(r, 'euclidean', 1, true)) as tf.Tensor2D; });
    const kappa = tf.fill([n, 1], k0) as tf.Tensor2D;
    const z = new VonMisesFisher(mu, kappa).sample(seed * 101);
    const muv = mu.dataSync(), zv = z.dataSync();
    let mean = 0, sq = 0;
    for (let i = 0; i < n; i++) { let w = 0; for (let j = 0; j < m; j++) w += muv[i*m+j]*zv[i*m+j]; const d = 1 - w; mean += d; sq += d*d; }
    mean /= n; const se = Math.sqrt((sq / n - mean * mean) / n);
    const D = besselReference(m/2-1, k0).ratioComplement;
    zs.push(((D - mean) / se).toFixed(2));
  }
  console.log(m, k0, zs.join(' '));
}
