import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deviceDropout } from '../random/device-dropout.ts';
import { withMathRandom } from '../testing/seeded-math-random.ts';
import { regularFields } from './field-type.ts';
import { PointwiseDropout } from './pointwise.ts';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('PointwiseDropout masks', () => {
  it('come from the device generator, so Math.random seeds them and the keep rate is 1 - rate', () => {
    const type = regularFields(4, 25);
    const x = tf.ones([4, 10, 10, 100]);
    const layer = new PointwiseDropout({ fieldType: type, rate: 0.2 });
    const y = withMathRandom(3, () => values(layer.apply(x, { training: true }) as tf.Tensor));
    expect(y).toEqual(withMathRandom(3, () => values(deviceDropout(x, 0.2))));
    expect(withMathRandom(3, () => values(layer.apply(x, { training: true }) as tf.Tensor))).toEqual(y);
    expect(withMathRandom(4, () => values(layer.apply(x, { training: true }) as tf.Tensor))).not.toEqual(y);
    // 40,000 Bernoulli(0.8) draws: standard error 2.0e-3, bound 6 of them.
    const keep = y.filter((v) => v !== 0).length / y.length;
    expect(Math.abs(keep - 0.8)).toBeLessThan(1.2e-2);
  });

  it('in field mode drop whole fields with one seeded draw per field and position', () => {
    const type = regularFields(4, 50);
    const x = tf.ones([8, 5, 5, 200]);
    const layer = new PointwiseDropout({ fieldType: type, rate: 0.3, mode: 'field' });
    const y = withMathRandom(9, () => layer.apply(x, { training: true }) as tf.Tensor);
    expect(withMathRandom(9, () => values(layer.apply(x, { training: true }) as tf.Tensor))).toEqual(values(y));
    const v = y.dataSync();
    let kept = 0;
    let split = 0;
    for (let f = 0; f < v.length; f += 4) {
      if (v[f] !== v[f + 1] || v[f] !== v[f + 2] || v[f] !== v[f + 3]) split++;
      if (v[f] !== 0) kept++;
    }
    expect(split).toBe(0);
    // 10,000 Bernoulli(0.7) draws: standard error 4.6e-3, bound 6 of them.
    expect(Math.abs(kept / (v.length / 4) - 0.7)).toBeLessThan(2.8e-2);
  });

  it('pass gradients mask / (1 - rate)', () => {
    const type = regularFields(4, 2);
    const layer = new PointwiseDropout({ fieldType: type, rate: 0.5, mode: 'field' });
    const x = tf.randomNormal([2, 3, 3, 8], 0, 1, 'float32', 1);
    const y = values(withMathRandom(5, () => layer.apply(x, { training: true }) as tf.Tensor));
    const g = values(withMathRandom(5, () => tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t, { training: true }) as tf.Tensor))(x)));
    g.forEach((gi, i) => expect(gi).toBe(y[i] === 0 ? 0 : 2));
  });
});
