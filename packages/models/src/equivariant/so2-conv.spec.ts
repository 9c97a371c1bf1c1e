import * as tf from '@tensorflow/tfjs-core';
import { input } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { LiftingConv2D } from './cyclic-conv.ts';
import { FieldTypeError, GridGeometryError } from './errors.ts';
import { SO2_GROUP, cyclicGroup, fourierFields, regularFields, tagFieldType, trivialFields } from './field-type.ts';
import { measureSo2Equivariance, type So2EquivarianceError } from './so2-action.ts';
import { So2Conv2D } from './so2-conv.ts';
import { smoothDiskImages } from '../testing/test-inputs.ts';

const L = 3;
const D = 2 * L + 1;

function lifting(outFields: number, stride: number, seed = 1): So2Conv2D {
  return new So2Conv2D({ inType: trivialFields(SO2_GROUP, 1), outType: fourierFields(L, outFields), kernelSize: 5, stride, seed });
}

function conv(inFields: number, outFields: number, stride: number, seed = 2): So2Conv2D {
  return new So2Conv2D({ inType: fourierFields(L, inFields), outType: fourierFields(L, outFields), kernelSize: 5, stride, seed });
}

const worst = (errors: So2EquivarianceError[]): number => Math.max(...errors.map((e) => e.relativeError));

describe('SO(2) convolutions: exact equivariance under 90-degree turns', () => {
  it('lifting, Fourier -> Fourier (strides 1 and 2) and the 1x1 invariant map commute with quarter turns within 1e-5', () => {
    const x = tf.randomNormal([2, 33, 33, 1], 0, 1, 'float32', 11);
    const h = tf.randomNormal([2, 17, 17, 2 * D], 0, 1, 'float32', 12);
    const lift = lifting(3, 2).checkRotationEquivariance(x);
    const group = [1, 2].flatMap((stride) => conv(2, 3, stride).checkRotationEquivariance(h));
    const invariantMap = new So2Conv2D({ inType: fourierFields(L, 2), outType: trivialFields(SO2_GROUP, 5), kernelSize: 1, seed: 3 });
    const inv = invariantMap.checkRotationEquivariance(h);
    console.log(
      `SO(2) L=${L} quarter turns, worst relative error: lifting ${worst(lift).toExponential(2)}, ` +
        `Fourier conv ${worst(group).toExponential(2)}, 1x1 invariant map ${worst(inv).toExponential(2)}`,
    );
    for (const e of [...lift, ...group, ...inv]) {
      expect(e.gridExact).toBe(true);
      expect(e.relativeError).toBeLessThan(1e-5);
    }
  });

  it('a plain convolution on the same fields fails the test (the test can fail)', () => {
    const h = tf.randomNormal([2, 17, 17, D], 0, 1, 'float32', 12);
    const w = tf.randomNormal([5, 5, D, D], 0, 1, 'float32', 3) as tf.Tensor4D;
    const errors = measureSo2Equivariance((t) => tf.conv2d(t as tf.Tensor4D, w, 1, 'same'), h, fourierFields(L, 1), fourierFields(L, 1));
    for (const e of errors) expect(e.relativeError).toBeGreaterThan(0.3);
  });
});

describe('SO(2) convolutions: approximate equivariance at other angles', () => {
  // Smooth inputs (Gaussian blur sigma 2 px, window inside 0.75 of the radius), stride 1, compared
  // inside 0.8 of the inscribed radius, as the C_N test. The error mixes the grid error of the
  // sampled basis with the bilinear interpolation of input and output (about 3% on such inputs).
  const BOUND = 0.05;

  it(`lifting and Fourier convolutions stay within ${BOUND} relative error at 22.5, 30 and 45 degrees`, () => {
    const angles = [22.5, 30, 45];
    const x = smoothDiskImages(2, 33, 1, { seed: 21 });
    const h = smoothDiskImages(2, 33, 2 * D, { seed: 22 });
    const rows: string[] = [];
    for (const [name, errors] of [
      ['lifting', lifting(4, 1).checkRotationEquivariance(x, { anglesDegrees: angles })],
      ['Fourier conv', conv(2, 3, 1).checkRotationEquivariance(h, { anglesDegrees: angles })],
    ] as const) {
      for (const e of errors) {
        rows.push(`SO(2) ${name} ${e.angleDegrees} deg: relative error ${e.relativeError.toFixed(4)}`);
        expect(e.relativeError).toBeLessThan(BOUND);
      }
    }
    console.log(rows.join('\n'));
  });
});

describe('SO(2) convolutions: types, shapes, parameters and initialisation', () => {
  it('counts S coefficients per pair of fields plus one bias per output field', () => {
    const lift = lifting(3, 2);
    const y = lift.apply(tf.zeros([1, 33, 33, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 17, 17, 3 * D]);
    expect(lift.nBasis).toBe(11);
    expect(lift.countParams()).toBe(11 * 1 * 3 + 3);
    const c = conv(2, 3, 2);
    c.apply(tf.zeros([1, 17, 17, 2 * D]));
    expect(c.countParams()).toBe(65 * 2 * 3 + 3);
    expect(c.expandedFilter().shape).toEqual([5, 5, 2 * D, 3 * D]);
    expect(c.computeOutputShape([null, 17, 17, 2 * D])).toEqual([null, 9, 9, 3 * D]);
  });

  it('adds the bias of a field to its frequency-0 channel only', () => {
    const c = conv(1, 2, 1);
    c.apply(tf.zeros([1, 5, 5, D]));
    c.setWeights([tf.zeros([65, 1, 2]), tf.tensor1d([1.5, -2])]);
    const y = (c.apply(tf.zeros([1, 5, 5, D])) as tf.Tensor).dataSync();
    expect(Array.from(y.slice(0, 2 * D))).toEqual([1.5, 0, 0, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0, 0]);
  });

  // He-normal in tfjs is a normal truncated at 2 sigma (variance factor 0.77): with every output
  // channel receiving basis energy S, unit-variance inputs give about 2 x 0.77 = 1.5.
  it('gives every output channel He-like variance on unit-variance inputs', () => {
    const c = conv(8, 8, 1, 5);
    const h = tf.randomNormal([4, 17, 17, 8 * D], 0, 1, 'float32', 6);
    const { variance } = tf.moments(c.apply(h) as tf.Tensor, [0, 1, 2, 3]);
    const v = variance.dataSync()[0]!;
    console.log(`SO(2) conv, He-normal coefficients: output variance ${v.toFixed(2)} for unit-variance inputs`);
    expect(v).toBeGreaterThan(1);
    expect(v).toBeLessThan(3);
  });

  it('refuses C_N types, even kernels, wrong channel counts and tensors tagged with another group', () => {
    expect(() => new So2Conv2D({ inType: regularFields(8, 1), outType: fourierFields(L, 2), kernelSize: 5 })).toThrow(/trivial or fourier fields of SO\(2\)/);
    expect(() => new So2Conv2D({ inType: fourierFields(L, 1), outType: fourierFields(L, 2), kernelSize: 4 })).toThrow(GridGeometryError);
    expect(() => conv(2, 2, 1).apply(tf.zeros([1, 9, 9, 2 * D + 1]))).toThrow(/has 15 channels.*must have 14/);
    expect(() => conv(1, 1, 2).apply(tf.zeros([1, 16, 16, D]))).toThrow(/map size 16 is even/);
    const img = input({ shape: [17, 17, 1] });
    tagFieldType(img, trivialFields(cyclicGroup(4), 1));
    const c4 = new LiftingConv2D({ inType: trivialFields(cyclicGroup(4), 1), outType: regularFields(4, 7), kernelSize: 5 }).apply(img);
    // 7 regular fields of C4 have 28 channels, as many as 4 Fourier fields of L = 3.
    expect(() => conv(4, 2, 1).apply(c4)).toThrow(FieldTypeError);
    expect(() => conv(4, 2, 1).apply(c4)).toThrow(/takes 4 fourier fields of SO\(2\) up to frequency 3 \(28 channels\) but was given 7 regular fields of C4/);
    expect(() => conv(1, 1, 1).checkEquivariance()).toThrow(/checkRotationEquivariance/);
  });
});
