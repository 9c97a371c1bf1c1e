import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
await useBackend('tensorflow', { purpose: 'bench' });
const x = tf.tensor1d([1, 2]);
const op = (save: boolean) => tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const a = args[0] as tf.Tensor; const s = args[1] as tf.GradSaveFunc;
  const d = tf.mul(a, 2);
  if (save) s([d]);
  return { value: tf.square(a), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, save ? saved[0] : tf.mul(a, 2))] };
});
for (const save of [true, false]) for (let i = 0; i < 2; i++) {
  const before = tf.memory().numTensors;
  tf.tidy(() => tf.grad((k: tf.Tensor) => tf.sum(op(save)(k)))(x));
  console.log('save', save, 'leak', tf.memory().numTensors - before);
}
