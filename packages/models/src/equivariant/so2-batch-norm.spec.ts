import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FieldTypeError } from './errors.ts';
import { SO2_GROUP, fourierFields, regularFields, trivialFields } from './field-type.ts';
import { transformSo2Features } from './so2-action.ts';
import { So2BatchNorm } from './so2-batch-norm.ts';
import { so2BatchNormTraining, so2Moments } from './so2-batch-norm-op.ts';

/** The same normalisation with plain ops (per field and frequency), differentiated automatically. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, fields: number, L: number, eps: number): tf.Tensor {
  const d = 2 * L + 1;
  const xs = tf.reshape(x, [-1, fields, d]);
  const g = tf.reshape(gamma, [fields, L + 1]);
  const parts: tf.Tensor[] = [];
  const x0 = tf.slice(xs, [0, 0, 0], [-1, fields, 1]);
  const { mean, variance } = tf.moments(x0, [0]);
  parts.push(tf.add(tf.mul(tf.div(tf.sub(x0, mean), tf.sqrt(tf.add(variance, eps))), tf.slice(g, [0, 0], [fields, 1])), tf.reshape(beta, [fields, 1])));
  for (let k = 1; k <= L; k++) {
    const pair = tf.slice(xs, [0, 0, 2 * k - 1], [-1, fields, 2]);
    const moment = tf.div(tf.mean(tf.sum(tf.square(pair), 2, true), 0), 2);
    parts.push(tf.mul(tf.div(pair, tf.sqrt(tf.add(moment, eps))), tf.slice(g, [0, k], [fields, 1])));
  }
  return tf.reshape(tf.concat(parts, 2), x.shape);
}

function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.norm(tf.sub(a, b)).dataSync()[0]! / Math.max(tf.norm(b).dataSync()[0]!, 1e-12);
}

describe('SO(2) batch norm op', () => {
  for (const [shape, fields, L] of [
    [[4, 5, 5, 21], 3, 3],
    [[6, 10], 2, 2],
    [[3, 3, 3, 4], 4, 0],
  ] as const) {
    it(`matches automatic differentiation of the plain formula for shape ${JSON.stringify(shape)}, ${fields} fields of L = ${L}`, () => {
      const x = tf.add(tf.mul(tf.randomNormal([...shape], 0, 1, 'float32', 1), 3), 1.5);
      const gamma = tf.randomUniform([fields * (L + 1)], 0.5, 2, 'float32', 2) as tf.Tensor1D;
      const beta = tf.randomNormal([fields], 0, 1, 'float32', 3) as tf.Tensor1D;
      const w = tf.randomNormal([...shape], 0, 1, 'float32', 4);
      const eps = 1e-5;
      const ours = tf.grads((a, g, b) => tf.sum(tf.mul(so2BatchNormTraining(a!, g as tf.Tensor1D, b as tf.Tensor1D, fields, L, eps).y, w)));
      const theirs = tf.grads((a, g, b) => tf.sum(tf.mul(reference(a!, g!, b!, fields, L, eps), w)));
      const got = ours([x, gamma, beta]);
      const want = theirs([x, gamma, beta]);
      got.forEach((g, i) => expect(relDiff(g, want[i]!)).toBeLessThan(1e-4));
      const { y, mean, moment } = so2BatchNormTraining(x, gamma, beta, fields, L, eps);
      expect(relDiff(y, reference(x, gamma, beta, fields, L, eps))).toBeLessThan(1e-5);
      const m = so2Moments(x, fields, L);
      expect(Array.from(mean.dataSync())).toEqual(Array.from(m.mean.dataSync()));
      expect(Array.from(moment.dataSync())).toEqual(Array.from(m.moment.dataSync()));
    });
  }
});

describe('So2BatchNorm', () => {
  const L = 2;
  const type = fourierFields(L, 3);
  const x = tf.add(tf.mul(tf.randomNormal([4, 7, 7, 15], 0, 1, 'float32', 7), 2), 1);

  it('centres and scales frequency 0, scales each pair to unit mean square, and moves the statistics', () => {
    const bn = new So2BatchNorm({ fieldType: type, momentum: 0.5 });
    const y = tf.reshape(bn.apply(x, { training: true }) as tf.Tensor, [-1, 3, 5]);
    const { mean, variance } = tf.moments(tf.slice(y, [0, 0, 0], [-1, 3, 1]), [0]);
    for (const v of mean.dataSync()) expect(v).toBeCloseTo(0, 5);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3);
    for (let k = 1; k <= L; k++) {
      const ms = tf.div(tf.mean(tf.sum(tf.square(tf.slice(y, [0, 0, 2 * k - 1], [-1, 3, 2])), 2), 0), 2).dataSync();
      for (const v of ms) expect(v).toBeCloseTo(1, 3);
    }
    const stats = so2Moments(x, 3, L);
    const [, , movingMean, movingMoment] = bn.getWeights();
    Array.from(movingMean!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(0.5 * stats.mean.dataSync()[i]!, 4));
    Array.from(movingMoment!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(0.5 + 0.5 * stats.moment.dataSync()[i]!, 3));
    expect(bn.countParams()).toBe(2 * 3 * (L + 2));
    expect(bn.trainableWeights.length).toBe(2);
  });

  it('uses the moving statistics at inference', () => {
    const bn = new So2BatchNorm({ fieldType: fourierFields(1, 1) });
    bn.apply(tf.zeros([1, 3]));
    bn.setWeights([tf.tensor1d([2, 0.5]), tf.tensor1d([1]), tf.tensor1d([3]), tf.tensor1d([4, 0.25])]);
    const y = (bn.apply(tf.tensor2d([[5, 1, -2]])) as tf.Tensor).dataSync();
    expect(y[0]).toBeCloseTo(((5 - 3) / Math.sqrt(4 + 1e-5)) * 2 + 1, 4);
    expect(y[1]).toBeCloseTo((1 / Math.sqrt(0.25 + 1e-5)) * 0.5, 4);
    expect(y[2]).toBeCloseTo((-2 / Math.sqrt(0.25 + 1e-5)) * 0.5, 4);
  });

  it('commutes exactly with quarter turns, and with rotations by any angle in the fibre, in both modes', () => {
    const bn = new So2BatchNorm({ fieldType: type });
    bn.apply(x, { training: true });
    const quarter = bn.checkRotationEquivariance(x);
    const v = tf.reshape(x, [-1, 15]);
    const any = bn.checkRotationEquivariance(v, { anglesDegrees: [17, 45, 200] });
    for (const e of [...quarter, ...any]) expect(e.relativeError).toBeLessThan(1e-5);
    // Training mode: the batch statistics of rotated fields are the same statistics.
    const fresh = new So2BatchNorm({ fieldType: type });
    const a = fresh.apply(transformSo2Features(v, type, 0.7), { training: true }) as tf.Tensor;
    const b = transformSo2Features(fresh.apply(v, { training: true }) as tf.Tensor, type, 0.7);
    expect(relDiff(a, b)).toBeLessThan(1e-5);
  });

  it('acts as ordinary batch norm on trivial SO(2) fields and refuses C_N fields', () => {
    const bn = new So2BatchNorm({ fieldType: trivialFields(SO2_GROUP, 2) });
    const y = bn.apply(tf.tensor2d([[1, 10], [3, 30]]), { training: true }) as tf.Tensor;
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-1, -1, 1, 1][i]!, 3));
    expect(() => new So2BatchNorm({ fieldType: regularFields(4, 2) })).toThrow(FieldTypeError);
  });
});
