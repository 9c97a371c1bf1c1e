import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DiskMask } from './disk-mask.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { cyclicGroup, regularFields, trivialFields } from './field-type.ts';
import { GlobalDiskPooling } from './global-disk-pooling.ts';
import { GroupBatchNorm } from './group-batch-norm.ts';
import { GroupPooling } from './group-pooling.ts';
import { PointwiseActivation, PointwiseDropout } from './pointwise.ts';
import { diskMaskValues } from './spatial.ts';
import { smoothDiskImages } from '../testing/test-inputs.ts';

const allElements = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('GroupBatchNorm', () => {
  const type = regularFields(4, 2);
  const x = tf.add(tf.mul(tf.randomNormal([3, 5, 5, 8], 0, 1, 'float32', 7), 2), 3);

  it('normalises with one mean and variance per field, pooled over its orientations', () => {
    const bn = new GroupBatchNorm({ fieldType: type, momentum: 0.5 });
    const y = bn.apply(x, { training: true }) as tf.Tensor;
    const values = x.arraySync() as number[][][][];
    const out = y.arraySync() as number[][][][];
    for (let f = 0; f < 2; f++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const img of values.keys()) {
        for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) for (let r = 0; r < 4; r++) {
          xs.push(values[img]![i]![j]![f * 4 + r]!);
          ys.push(out[img]![i]![j]![f * 4 + r]!);
        }
      }
      const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
      const variance = xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length;
      ys.forEach((v, i) => expect(v).toBeCloseTo((xs[i]! - mean) / Math.sqrt(variance + 1e-5), 4));
      // Moving statistics after one step with momentum 0.5 from (0, 1).
      const [mm, mv] = [bn.getWeights()[2]!.dataSync()[f]!, bn.getWeights()[3]!.dataSync()[f]!];
      expect(mm).toBeCloseTo(0.5 * mean, 4);
      expect(mv).toBeCloseTo(0.5 + 0.5 * variance, 3);
    }
    expect(bn.countParams()).toBe(4 * 2);
    expect(bn.trainableWeights.length).toBe(2);
  });

  it('uses the moving statistics at inference and commutes with the group action', () => {
    const bn = new GroupBatchNorm({ fieldType: type });
    bn.apply(x);
    bn.setWeights([tf.tensor1d([2, 0.5]), tf.tensor1d([1, -1]), tf.tensor1d([3, -3]), tf.tensor1d([4, 0.25])]);
    const y = (bn.apply(x) as tf.Tensor).arraySync() as number[][][][];
    const v = x.arraySync() as number[][][][];
    expect(y[0]![1]![2]![5]).toBeCloseTo(((v[0]![1]![2]![5]! + 3) / Math.sqrt(0.25 + 1e-5)) * 0.5 - 1, 4);
    for (const e of bn.checkEquivariance(x, { elements: allElements(4) })) expect(e.relativeError).toBeLessThan(1e-6);
  });
});

describe('DiskMask', () => {
  it('multiplies every channel by the escnn mask and is exactly invariant under quarter turns', () => {
    const mask = new DiskMask({ fieldType: trivialFields(cyclicGroup(4), 2), margin: 10 });
    const x = tf.ones([1, 9, 9, 2]);
    const y = (mask.apply(x) as tf.Tensor).dataSync();
    const expected = diskMaskValues(9, 10, 2);
    for (let p = 0; p < 81; p++) {
      expect(y[2 * p]).toBeCloseTo(expected[p]!, 7);
      expect(y[2 * p + 1]).toBeCloseTo(expected[p]!, 7);
    }
    expect(DiskMask.values(9, 10, 2)).toEqual(expected);
    for (const e of mask.checkEquivariance(tf.randomNormal([1, 9, 9, 2]))) expect(e.relativeError).toBe(0);
    expect(() => mask.apply(tf.ones([1, 9, 7, 2]))).toThrow(GridGeometryError);
  });
});

describe('pooling', () => {
  it('GroupPooling takes the max or mean over orientations and is invariant in the fibre', () => {
    const pool = new GroupPooling({ inType: regularFields(4, 2) });
    const v = tf.tensor4d([1, 5, 2, 3, -1, -2, -3, -4], [1, 1, 1, 8]);
    expect(Array.from((pool.apply(v) as tf.Tensor).dataSync())).toEqual([5, -1]);
    const mean = new GroupPooling({ inType: regularFields(4, 2), mode: 'mean' });
    expect(Array.from((mean.apply(v) as tf.Tensor).dataSync())).toEqual([2.75, -2.5]);
    expect(pool.outType).toEqual(trivialFields(cyclicGroup(4), 2));
    const x = tf.randomNormal([2, 9, 9, 16]);
    for (const e of new GroupPooling({ inType: regularFields(8, 2) }).checkEquivariance(x, { elements: [2, 4, 6] })) {
      expect(e.relativeError).toBe(0);
    }
    expect(() => new GroupPooling({ inType: trivialFields(cyclicGroup(4), 2) })).toThrow(/pools regular fields/);
  });

  it('GlobalDiskPooling averages over the disk with mask weights and is invariant', () => {
    const type = trivialFields(cyclicGroup(8), 3);
    const pool = new GlobalDiskPooling({ fieldType: type });
    const ones = (pool.apply(tf.ones([2, 9, 9, 3])) as tf.Tensor).dataSync();
    for (const v of ones) expect(v).toBeCloseTo(1, 5);
    const x = smoothDiskImages(2, 17, 3, { seed: 4 });
    const errors = pool.checkEquivariance(x);
    for (const e of errors) expect(e.relativeError).toBeLessThan(e.gridExact ? 1e-6 : 0.02);
    const max = new GlobalDiskPooling({ fieldType: type, mode: 'max' });
    const img = tf.buffer([1, 9, 9, 3]);
    img.set(7, 0, 4, 4, 1);
    img.set(9, 0, 0, 0, 1); // a corner, outside the disk
    expect(Array.from((max.apply(img.toTensor()) as tf.Tensor).dataSync())).toEqual([0, 7, 0]);
  });
});

describe('pointwise layers', () => {
  it('applies ReLU/ELU channel by channel, exactly equivariant', () => {
    const type = regularFields(4, 2);
    const x = tf.randomNormal([1, 5, 5, 8]);
    const relu = new PointwiseActivation({ fieldType: type, activation: 'relu' });
    expect(Array.from((relu.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
    for (const e of new PointwiseActivation({ fieldType: type, activation: 'elu' }).checkEquivariance(x)) expect(e.relativeError).toBe(0);
    expect(() => new PointwiseActivation({ fieldType: type, activation: 'gelu' as 'relu' })).toThrow(LayerArgumentError);
  });

  it('drops only in training; field mode drops whole fields', () => {
    const type = regularFields(4, 50);
    const x = tf.ones([2, 3, 3, 200]);
    const point = new PointwiseDropout({ fieldType: type, rate: 0.5 });
    expect(Array.from((point.apply(x) as tf.Tensor).dataSync()).every((v) => v === 1)).toBe(true);
    const field = new PointwiseDropout({ fieldType: type, rate: 0.5, mode: 'field' });
    const y = tf.reshape(field.apply(x, { training: true }) as tf.Tensor, [2, 3, 3, 50, 4]).arraySync() as number[][][][][];
    let dropped = 0;
    for (const img of y) for (const row of img) for (const px of row) for (const f of px) {
      expect(new Set(f).size).toBe(1);
      if (f[0] === 0) dropped++;
      else expect(f[0]).toBeCloseTo(2, 6);
    }
    expect(dropped).toBeGreaterThan(0.3 * 900);
    expect(dropped).toBeLessThan(0.7 * 900);
    expect(() => new PointwiseDropout({ fieldType: type, rate: 1 })).toThrow(/rate must be in \[0, 1\)/);
  });
});
