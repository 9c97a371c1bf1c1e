import * as tf from '@tensorflow/tfjs-core';
import { input } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { measureEquivariance } from './action.ts';
import { GroupConv2D, LiftingConv2D } from './cyclic-conv.ts';
import { FieldTypeError, GridGeometryError } from './errors.ts';
import { cyclicGroup, regularFields, tagFieldType, trivialFields } from './field-type.ts';
import { smoothDiskImages } from '../testing/test-inputs.ts';

const quarterElements = (n: number): number[] => [1, 2, 3].map((k) => (k * n) / 4);

function lifting(n: number, outFields: number, stride: number, seed = 1): LiftingConv2D {
  return new LiftingConv2D({ inType: trivialFields(cyclicGroup(n), 1), outType: regularFields(n, outFields), kernelSize: 5, stride, seed });
}

function groupConv(n: number, inFields: number, outFields: number, stride: number, seed = 2): GroupConv2D {
  return new GroupConv2D({ inType: regularFields(n, inFields), outType: regularFields(n, outFields), kernelSize: 5, stride, seed });
}

describe('C_N convolutions: exact equivariance under 90-degree turns', () => {
  for (const n of [4, 8, 16]) {
    it(`lifting and group convolutions of C${n} commute with quarter turns (rotate + shift by N/4) within 1e-5`, () => {
      const x = tf.randomNormal([2, 33, 33, 1], 0, 1, 'float32', 11);
      const lift = lifting(n, 3, 2).checkEquivariance(x, { elements: quarterElements(n) });
      const h = tf.randomNormal([2, 17, 17, 2 * n], 0, 1, 'float32', 12);
      const group = [1, 2].flatMap((stride) => groupConv(n, 2, 3, stride).checkEquivariance(h, { elements: quarterElements(n) }));
      const worst = (errors: typeof lift): string => Math.max(...errors.map((e) => e.relativeError)).toExponential(2);
      console.log(`C${n} quarter turns, worst relative error: lifting ${worst(lift)}, group conv ${worst(group)}`);
      for (const e of [...lift, ...group]) {
        expect(e.gridExact).toBe(true);
        expect(e.relativeError).toBeLessThan(1e-5);
      }
    });
  }

  it('a plain convolution fails the same test (the test can fail)', () => {
    const x = tf.randomNormal([2, 33, 33, 1], 0, 1, 'float32', 11);
    const w = tf.randomNormal([5, 5, 1, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
    const plain = (t: tf.Tensor): tf.Tensor => tf.conv2d(t as tf.Tensor4D, w, 2, 'same');
    const errors = measureEquivariance(plain, x, trivialFields(cyclicGroup(4), 1), trivialFields(cyclicGroup(4), 8), { elements: [1, 2, 3] });
    for (const e of errors) expect(e.relativeError).toBeGreaterThan(0.3);
  });
});

describe('C_N convolutions: approximate equivariance at other angles', () => {
  // Smooth inputs (Gaussian blur sigma 2 px, window inside 0.75 of the radius), stride 1, compared
  // inside 0.8 of the inscribed radius. The error mixes the layer's grid error with the bilinear
  // interpolation of input and output, which alone loses about 3% on such inputs.
  const BOUND = 0.05;

  it(`lifting and group convolutions of C8 and C16 stay within ${BOUND} relative error at 45 and 22.5 degrees`, () => {
    const rows: string[] = [];
    for (const n of [8, 16]) {
      const elements = n === 8 ? [1] : [1, 2];
      const x = smoothDiskImages(2, 33, 1, { seed: 21 });
      const h = smoothDiskImages(2, 33, 2 * n, { seed: 22 });
      for (const [name, errors] of [
        ['lifting', lifting(n, 4, 1).checkEquivariance(x, { elements })],
        ['group', groupConv(n, 2, 3, 1).checkEquivariance(h, { elements })],
      ] as const) {
        for (const e of errors) {
          rows.push(`C${n} ${name} ${e.angleDegrees} deg: relative error ${e.relativeError.toFixed(4)}`);
          expect(e.relativeError).toBeLessThan(BOUND);
        }
      }
    }
    // A plain convolution with random 5x5 filters under the same measurement, for scale.
    const x = smoothDiskImages(2, 33, 1, { seed: 21 });
    const w = tf.randomNormal([5, 5, 1, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
    const [plain] = measureEquivariance((t) => tf.conv2d(t as tf.Tensor4D, w, 1, 'same'), x, trivialFields(cyclicGroup(8), 1), trivialFields(cyclicGroup(8), 8), {
      elements: [1],
    });
    rows.push(`plain conv 45 deg: relative error ${plain!.relativeError.toFixed(4)}`);
    console.log(rows.join('\n'));
    expect(plain!.relativeError).toBeGreaterThan(3 * BOUND);
  });
});

describe('C_N convolutions: types, shapes and parameters', () => {
  it('counts coefficients per basis element, input orientation and field pair, plus one bias per field', () => {
    const lift = lifting(8, 3, 2);
    lift.apply(tf.zeros([1, 33, 33, 1]));
    expect(lift.countParams()).toBe(11 * 1 * 1 * 3 + 3);
    const g = new GroupConv2D({ inType: regularFields(4, 2), outType: regularFields(4, 3), kernelSize: 3 });
    const y = g.apply(tf.zeros([1, 9, 9, 8])) as tf.Tensor;
    expect(g.countParams()).toBe(6 * 4 * 2 * 3 + 3);
    expect(y.shape).toEqual([1, 9, 9, 12]);
    expect(g.computeOutputShape([null, 9, 9, 8])).toEqual([null, 9, 9, 12]);
  });

  it('shares the bias of a field across its orientations', () => {
    const g = groupConv(4, 1, 2, 1);
    g.apply(tf.zeros([1, 5, 5, 4]));
    g.setWeights([tf.zeros([11, 4, 1, 2]), tf.tensor1d([1.5, -2])]);
    const y = (g.apply(tf.zeros([1, 5, 5, 4])) as tf.Tensor).dataSync();
    expect(Array.from(y.slice(0, 8))).toEqual([1.5, 1.5, 1.5, 1.5, -2, -2, -2, -2]);
  });

  it('refuses inputs of the wrong type, group or size, saying what to use', () => {
    expect(() => new LiftingConv2D({ inType: regularFields(8, 1), outType: regularFields(8, 2), kernelSize: 5 })).toThrow(/use GroupConv2D/);
    expect(() => new GroupConv2D({ inType: trivialFields(cyclicGroup(8), 1), outType: regularFields(8, 2), kernelSize: 5 })).toThrow(
      /use LiftingConv2D/,
    );
    expect(() => new GroupConv2D({ inType: regularFields(8, 1), outType: regularFields(4, 2), kernelSize: 5 })).toThrow(/C8 and output group C4/);
    expect(() => new GroupConv2D({ inType: regularFields(8, 1), outType: regularFields(8, 2), kernelSize: 4 })).toThrow(GridGeometryError);
    expect(() => groupConv(8, 2, 2, 1).apply(tf.zeros([1, 9, 9, 8]))).toThrow(/has 8 channels.*must have 16/);
    expect(() => groupConv(8, 1, 1, 2).apply(tf.zeros([1, 16, 16, 8]))).toThrow(/map size 16 is even/);
  });

  it('refuses a tensor tagged with another group even when the channel counts agree', () => {
    const img = input({ shape: [17, 17, 1] });
    tagFieldType(img, trivialFields(cyclicGroup(4), 1));
    const c4 = new LiftingConv2D({ inType: trivialFields(cyclicGroup(4), 1), outType: regularFields(4, 16), kernelSize: 5 }).apply(img);
    const c8 = groupConv(8, 8, 4, 1);
    expect(() => c8.apply(c4)).toThrow(FieldTypeError);
    expect(() => c8.apply(c4)).toThrow(/takes 8 regular fields of C8 \(64 channels\) but was given 16 regular fields of C4/);
    expect(() => lifting(8, 2, 1).apply(img)).toThrow(/trivial fields? of C4/);
  });
});
