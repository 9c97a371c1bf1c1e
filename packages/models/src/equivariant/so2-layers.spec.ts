import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FieldTypeError } from './errors.ts';
import {
  SO2_GROUP,
  assertFieldType,
  channelCount,
  cyclicGroup,
  describeFieldType,
  fieldType,
  fieldTypeToJson,
  fourierFields,
  groupOrder,
  parseFieldType,
  sameFieldType,
  trivialFields,
} from './field-type.ts';
import { GroupBatchNorm } from './group-batch-norm.ts';
import { PointwiseActivation, PointwiseDropout } from './pointwise.ts';
import { fourierFieldRotation, transformSo2Features } from './so2-action.ts';
import { So2NormPool } from './so2-norm-pool.ts';

describe('SO(2) field types', () => {
  it('count 2L + 1 channels per Fourier field and tell band limits apart', () => {
    expect(channelCount(fourierFields(3, 4))).toBe(28);
    expect(channelCount(trivialFields(SO2_GROUP, 3))).toBe(3);
    expect(describeFieldType(fourierFields(3, 2))).toBe('2 fourier fields of SO(2) up to frequency 3 (14 channels)');
    expect(sameFieldType(fourierFields(3, 2), fourierFields(2, 2))).toBe(false);
    expect(sameFieldType(fourierFields(1, 7), trivialFields(SO2_GROUP, 21))).toBe(false);
    expect(() => assertFieldType(fourierFields(3, 2), fourierFields(1, 2), 'layer q')).toThrow(/up to frequency 3.*given 2 fourier fields of SO\(2\) up to frequency 1/);
  });

  it('refuse representations the group does not have', () => {
    expect(() => fieldType(SO2_GROUP, 2, 'regular')).toThrow(/no finite regular representation/);
    expect(() => fieldType(cyclicGroup(8), 2, 'fourier', 3)).toThrow(/belong to SO\(2\)/);
    expect(() => fourierFields(-1, 2)).toThrow(/non-negative integer band limit/);
    expect(() => fieldType(SO2_GROUP, 2, 'trivial', 3)).toThrow(/only fourier fields have a band limit/);
    expect(() => groupOrder(SO2_GROUP)).toThrow(/infinite/);
  });

  it('round-trip through layer-config JSON', () => {
    for (const t of [fourierFields(3, 5), fourierFields(0, 1), trivialFields(SO2_GROUP, 2)]) {
      const back = parseFieldType(JSON.parse(JSON.stringify(fieldTypeToJson(t))), 'cfg');
      expect(sameFieldType(back, t)).toBe(true);
    }
    expect(() => parseFieldType({ group: { kind: 'so2' }, fields: 1, representation: 'fourier' }, 'cfg.inType')).toThrow(/cfg\.inType: .*band limit/);
  });
});

describe('SO(2) action', () => {
  it('rotates each frequency-k pair by k theta; rotations compose', () => {
    const r = fourierFieldRotation(2, Math.PI / 6);
    // Pair of frequency 2 at 30 degrees turns by 60 degrees.
    expect(r[3 * 5 + 3]).toBeCloseTo(0.5, 6);
    expect(r[4 * 5 + 3]).toBeCloseTo(Math.sqrt(3) / 2, 6);
    const type = fourierFields(2, 3);
    const v = tf.randomNormal([4, 15], 0, 1, 'float32', 2);
    const twice = transformSo2Features(transformSo2Features(v, type, 0.4), type, 0.9);
    const once = transformSo2Features(v, type, 1.3);
    expect(tf.max(tf.abs(tf.sub(twice, once))).dataSync()[0]).toBeLessThan(1e-5);
    expect(Array.from(fourierFieldRotation(3, Math.PI / 2)).every((e) => [0, 1, -1].includes(e))).toBe(true);
  });
});

describe('So2NormPool (invariant map by irrep norms)', () => {
  const type = fourierFields(2, 2);

  it('keeps frequency 0 and takes the length of each pair', () => {
    const pool = new So2NormPool({ inType: type });
    const y = (pool.apply(tf.tensor2d([[-2, 3, 4, 0, 1, 5, 0, 0, 6, 8]])) as tf.Tensor).dataSync();
    [-2, 5, 1, 5, 0, 10].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 3));
    expect(pool.outType).toEqual(trivialFields(SO2_GROUP, 6));
  });

  it('is invariant at every angle in the fibre and exactly equivariant under quarter turns on maps', () => {
    const pool = new So2NormPool({ inType: type });
    const v = tf.randomNormal([16, 10], 0, 1, 'float32', 3);
    for (const e of pool.checkRotationEquivariance(v, { anglesDegrees: [13, 45, 250] })) expect(e.relativeError).toBeLessThan(1e-6);
    const maps = tf.randomNormal([2, 9, 9, 10], 0, 1, 'float32', 4);
    for (const e of pool.checkRotationEquivariance(maps)) expect(e.relativeError).toBe(0);
    expect(() => new So2NormPool({ inType: trivialFields(SO2_GROUP, 2) })).toThrow(FieldTypeError);
  });
});

describe('layers for permutation representations refuse Fourier fields', () => {
  it('PointwiseActivation, pointwise PointwiseDropout and GroupBatchNorm say what to use instead', () => {
    const type = fourierFields(3, 2);
    expect(() => new PointwiseActivation({ fieldType: type, activation: 'elu' })).toThrow(/use FourierPointwise/);
    expect(() => new PointwiseDropout({ fieldType: type, rate: 0.1 })).toThrow(/use mode 'field'/);
    expect(() => new GroupBatchNorm({ fieldType: type })).toThrow(/use So2BatchNorm/);
    // Whole-field dropout is equivariant in distribution and allowed.
    const drop = new PointwiseDropout({ fieldType: type, rate: 0.5, mode: 'field' });
    const y = tf.reshape(drop.apply(tf.ones([64, 14]), { training: true }) as tf.Tensor, [64, 2, 7]).arraySync() as number[][][];
    for (const f of y.flat()) expect(new Set(f).size).toBe(1);
  });
});
