import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GridGeometryError } from './errors.ts';
import {
  assertCentredGrid,
  convOutputSize,
  diskMaskValues,
  quarterTurns,
  rot90,
  rotateBilinear,
  suggestCentredSizes,
} from './spatial.ts';

describe('rot90', () => {
  it('is numpy rot90: counter-clockwise as displayed, row 0 at the top', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(rot90(x, 1).dataSync())).toEqual([2, 4, 1, 3]);
    expect(Array.from(rot90(x, 2).dataSync())).toEqual([4, 3, 2, 1]);
    expect(Array.from(rot90(x, 3).dataSync())).toEqual([3, 1, 4, 2]);
    expect(Array.from(rot90(x, -1).dataSync())).toEqual([3, 1, 4, 2]);
    expect(Array.from(rot90(rot90(x, 1), 3).dataSync())).toEqual([1, 2, 3, 4]);
  });
});

describe('rotateBilinear', () => {
  const x = tf.randomUniform([2, 7, 7, 3], 0, 1, 'float32', 5) as tf.Tensor4D;

  it('reduces to the exact permutation at multiples of 90 degrees', () => {
    for (const k of [1, 2, 3]) {
      const a = rotateBilinear(x, (k * Math.PI) / 2).dataSync();
      const b = rot90(x, k).dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    expect(quarterTurns(Math.PI / 4)).toBeNull();
    expect(quarterTurns(-Math.PI / 2)).toBe(3);
  });

  it('rotates counter-clockwise: a pixel right of the centre moves up at +90 degrees', () => {
    const img = tf.buffer([1, 5, 5, 1]);
    img.set(1, 0, 2, 4, 0);
    const out = rotateBilinear(img.toTensor() as tf.Tensor4D, Math.PI / 2).bufferSync();
    expect(out.get(0, 0, 2, 0)).toBe(1);
  });

  it('interpolates bilinearly at 45 degrees', () => {
    const img = tf.buffer([1, 5, 5, 1]);
    img.set(1, 0, 1, 3, 0); // (x, y) = (1, 1)
    const out = rotateBilinear(img.toTensor() as tf.Tensor4D, Math.PI / 4).bufferSync();
    // Output pixel (x, y) = (0, 1) reads the input at R(-45 deg)(0, 1) = (0.707, 0.707), i.e. row 1.293,
    // column 2.707: the weight of pixel (row 1, column 3) is (1 - 0.293) * 0.707 = 0.5.
    expect(out.get(0, 1, 2, 0)).toBeCloseTo(0.5, 6);
  });
});

describe('disk mask (escnn MaskModule formula)', () => {
  it('keeps the inscribed disk and decays as exp((t - r^2)/sigma^2) outside', () => {
    const s = 9;
    const m = diskMaskValues(s, 0, 2);
    const c = 4;
    expect(m[c * s + c]).toBe(1);
    expect(m[0 * s + c]).toBe(1); // r^2 = 16 = t
    // Corner: r^2 = 32, t = 16: exp(-16 / 4).
    expect(m[0]).toBeCloseTo(Math.exp(-4), 7);
    // Margin 50: t = (4 - 2)^2 = 4; pixel (0, 4): r^2 = 16 -> exp(-12/4).
    expect(diskMaskValues(s, 50, 2)[0 * s + c]).toBeCloseTo(Math.exp(-3), 7);
    // Symmetric under the 90-degree turn.
    const t = tf.tensor4d(m, [1, s, s, 1]);
    expect(Array.from(rot90(t, 1).dataSync())).toEqual(Array.from(m));
  });
});

describe('centred grids', () => {
  it('accepts 33 -> 17 -> 17 -> 9 with kernel 5, padding 2, strides 2, 1, 2', () => {
    let s = 33;
    const sizes = [s];
    for (const stride of [2, 1, 2]) {
      s = assertCentredGrid({ inputSize: s, kernelSize: 5, stride, padding: 2 }, 'layer');
      sizes.push(s);
    }
    expect(sizes).toEqual([33, 17, 17, 9]);
    expect(convOutputSize({ inputSize: 28, kernelSize: 4, stride: 2, padding: 1 })).toBe(14);
  });

  it('explains why a geometry moves the centre off the grid', () => {
    expect(() => assertCentredGrid({ inputSize: 32, kernelSize: 5, stride: 2, padding: 2 }, 'layer 1')).toThrow(/layer 1: map size 32 is even/);
    expect(() => assertCentredGrid({ inputSize: 31, kernelSize: 5, stride: 2, padding: 2 }, 'l')).toThrow(/even 16x16 map/);
    expect(() => assertCentredGrid({ inputSize: 17, kernelSize: 4, stride: 2, padding: 1 }, 'l')).toThrow(/kernel size 4 is even/);
    expect(() => assertCentredGrid({ inputSize: 17, kernelSize: 5, stride: 3, padding: 2 }, 'l')).toThrow(GridGeometryError);
    expect(suggestCentredSizes(32, [2, 1, 2].map((stride) => ({ kernelSize: 5, stride, padding: 2 })))).toEqual([25, 33]);
  });
});
