import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
await useBackend('tensorflow', { purpose: 'bench' });
const x = tf.tensor2d([[1, 2], [3, 4]]);
const v = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
const labels = tf.tensor2d([[0, 1], [1, 0]]);
const cases: [string, () => void][] = [
  ['builtin customGrad (softmaxCE) via tf.grad', () => { tf.tidy(() => tf.grad((k: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, k))(x)); }],
  ['square via tf.grad', () => { tf.tidy(() => tf.grad((k: tf.Tensor) => tf.sum(tf.square(k)))(x)); }],
  ['softmaxCE via variableGrads', () => { tf.tidy(() => tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, v) as tf.Scalar)); }],
  ['softmaxCE via valueAndGrad', () => { tf.tidy(() => tf.valueAndGrad((k: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, k))(x)); }],
];
for (const [name, fn] of cases) {
  fn();
  const before = tf.memory().numTensors; fn(); fn();
  console.log(name, 'leak per call', (tf.memory().numTensors - before) / 2);
}
