// The MatMul route of 1x1 convolutions against plain loops (an independent
// reference), forward and both gradients, at strides 1 and 2; convolutions it
// does not take still reach the original kernel. One case uses channel pair
// (256, 1024), whose oneDNN 1x1 primitive kills the process with SIGFPE on
// CPUs that report no cache sizes (this test's machines): reaching the end of
// this file is part of the check.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isPlainConv1x1 } from './conv1x1-as-matmul.ts';

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

interface Case {
  b: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid';
}

/** y[b, i, j, o] = sum_c x[b, i*s, j*s, c] * f[c, o]; loss = sum(y * g): dx and df follow by hand. */
function reference(c: Case, x: Float32Array, f: Float32Array, g: Float32Array) {
  const ho = Math.ceil(c.h / c.stride);
  const wo = Math.ceil(c.w / c.stride);
  const y = new Float64Array(c.b * ho * wo * c.co);
  const dx = new Float64Array(c.b * c.h * c.w * c.ci);
  const df = new Float64Array(c.ci * c.co);
  for (let n = 0; n < c.b; n++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const xi = ((n * c.h + i * c.stride) * c.w + j * c.stride) * c.ci;
        const yi = ((n * ho + i) * wo + j) * c.co;
        for (let o = 0; o < c.co; o++) {
          let sum = 0;
          for (let k = 0; k < c.ci; k++) sum += x[xi + k] * f[k * c.co + o];
          y[yi + o] = sum;
          for (let k = 0; k < c.ci; k++) {
            dx[xi + k] += g[yi + o] * f[k * c.co + o];
            df[k * c.co + o] += g[yi + o] * x[xi + k];
          }
        }
      }
    }
  }
  return { y, dx, df, shape: [c.b, ho, wo, c.co] };
}

function expectClose(got: Float32Array | Int32Array | Uint8Array, want: Float64Array, rel: number): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  expect(worst / scale).toBeLessThan(rel);
}

const CASES: Case[] = [
  { b: 2, h: 5, w: 5, ci: 3, co: 4, stride: 1, pad: 'same' },
  { b: 2, h: 5, w: 5, ci: 3, co: 4, stride: 2, pad: 'same' },
  { b: 1, h: 6, w: 7, ci: 5, co: 2, stride: 2, pad: 'valid' },
  // The pair oneDNN's 1x1 heuristic divides by zero on (ResNet-50's s3b1_conv3).
  { b: 2, h: 3, w: 3, ci: 256, co: 1024, stride: 1, pad: 'same' },
  { b: 1, h: 5, w: 5, ci: 512, co: 1024, stride: 2, pad: 'same' },
];

describe('1x1 convolutions as matrix products', () => {
  it.each(CASES)('matches plain loops forward and in both gradients: %o', (c) => {
    const x = seeded(c.b * c.h * c.w * c.ci, 1);
    const f = seeded(c.ci * c.co, 2);
    const want = reference(c, x, f, seeded(c.b * Math.ceil(c.h / c.stride) * Math.ceil(c.w / c.stride) * c.co, 3));
    const xt = tf.tensor4d(x, [c.b, c.h, c.w, c.ci]);
    const ft = tf.tensor4d(f, [1, 1, c.ci, c.co]);
    const gt = tf.tensor(seeded(want.y.length, 3), want.shape);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.stride, c.pad);
    const y = conv(xt, ft);
    expect(y.shape).toEqual(want.shape);
    // float32 sums of up to 512 products: relative error well under 1e-5 of the largest value.
    expectClose(y.dataSync(), want.y, 1e-5);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), gt)))([xt, ft]);
    expectClose(dx.dataSync(), want.dx, 1e-5);
    expectClose(df.dataSync(), want.df, 1e-5);
    // The fused form tfjs-layers uses for convolutions with a bias.
    const bias = tf.ones([c.co]);
    const fused = tf.fused.conv2d({ x: xt, filter: ft, strides: c.stride, pad: c.pad, bias, activation: 'relu' });
    expectClose(fused.dataSync(), Float64Array.from(want.y, (v) => Math.max(0, v + 1)), 1e-5);
    tf.dispose([xt, ft, gt, y, dx, df, bias, fused]);
  });

  it('leaves other convolutions to the original kernel and leaks no tensors', () => {
    expect(isPlainConv1x1([1, 1, 3, 4], { strides: 1, pad: 'same' })).toBe(true);
    expect(isPlainConv1x1([3, 3, 3, 4], { strides: 1, pad: 'same' })).toBe(false);
    expect(isPlainConv1x1([1, 1, 3, 4], { strides: 1, pad: 'same', dilations: 2 })).toBe(false);
    expect(isPlainConv1x1([1, 1, 3, 4], { strides: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] })).toBe(false);
    expect(isPlainConv1x1([1, 1, 3, 4], { strides: 1, pad: 'same', dataFormat: 'NCHW' })).toBe(false);
    const before = tf.memory().numTensors;
    // A 3x3 convolution of a single one-hot pixel returns the flipped-free kernel around it.
    const x = tf.tidy(() => tf.buffer([1, 3, 3, 1], 'float32', Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0])).toTensor());
    const k = tf.tensor4d(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3, 1, 1]);
    const y = tf.conv2d(x as tf.Tensor4D, k, 1, 'same');
    expect(Array.from(y.dataSync())).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    tf.dispose([x, k, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
