import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { logBesselI } from './src/distributions/log-bessel-i.ts';
await useBackend('tensorflow', { purpose: 'bench' });
const kappa = tf.tensor2d([[0.3], [30]]);
for (let i = 0; i < 3; i++) {
  const before = tf.memory().numTensors;
  tf.tidy(() => tf.grad((k: tf.Tensor) => tf.sum(logBesselI(k, 4.5)))(kappa));
  const mid = tf.memory().numTensors;
  tf.tidy(() => { logBesselI(kappa, 4.5); });
  console.log('grad leak', mid - before, 'fwd leak', tf.memory().numTensors - mid);
}
