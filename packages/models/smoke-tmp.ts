import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { VonMisesFisher, meanResultantLength } from './src/distributions/index.ts';
await useBackend('tensorflow', { purpose: 'bench' });
for (const m of [2, 3, 6, 10, 64]) for (const k0 of [1e-6, 0.1, 1, 10, 100, 1e4, 1e5]) {
  const n = 20000;
  const mu = tf.tidy(() => { const r = tf.randomNormal([n, m], 0, 1, 'float32', 5); return tf.div(r, tf.norm(r, 'euclidean', 1, true)) as tf.Tensor2D; });
  const kappa = tf.fill([n, 1], k0) as tf.Tensor2D;
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  const z = new VonMisesFisher(mu, kappa).sample(7);
  const dt = performance.now() - t0;
  const w = tf.sum(tf.mul(mu, z), 1).dataSync();
  const norms = tf.norm(z, 'euclidean', 1).dataSync();
  let mean = 0, sq = 0, maxNormErr = 0, nan = 0;
  for (let i = 0; i < n; i++) { mean += w[i]; sq += w[i] * w[i]; maxNormErr = Math.max(maxNormErr, Math.abs(norms[i] - 1)); if (!Number.isFinite(w[i])) nan++; }
  mean /= n; const se = Math.sqrt((sq / n - mean * mean) / n);
  const A = meanResultantLength(tf.scalar(k0), m).dataSync()[0];
  console.log(m, k0, 'mean', mean.toPrecision(7), 'A', A.toPrecision(7), 'z', ((mean - A) / se).toFixed(2), 'normErr', maxNormErr.toExponential(1), 'nan', nan, 'ms', dt.toFixed(0), 'newTensors', tf.memory().numTensors - before);
}
