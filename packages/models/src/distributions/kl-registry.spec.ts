import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Distribution } from './distribution.ts';
import { DuplicateKLError, UnregisteredKLError } from './errors.ts';
import { klDivergence, registerKL } from './kl-registry.ts';

// Minimal distributions for exercising the lookup.
class PointMass implements Distribution {
  readonly batchSize = 1;
  readonly eventSize = 1;
  constructor(readonly at: number) {}
  sample(): tf.Tensor2D {
    return tf.tensor2d([[this.at]]);
  }
  logProb(): tf.Tensor1D {
    return tf.tensor1d([0]);
  }
  entropy(): tf.Tensor1D {
    return tf.tensor1d([0]);
  }
  mean(): tf.Tensor2D {
    return this.sample();
  }
}
class ShiftedPointMass extends PointMass {}
class Other extends PointMass {}

describe('KL registry', () => {
  registerKL(PointMass, PointMass, (p, q) => tf.tensor1d([p.at === q.at ? 0 : Infinity]));

  it('looks the function up by the pair of types, falling back to base classes', () => {
    expect(klDivergence(new PointMass(1), new PointMass(1)).dataSync()[0]).toBe(0);
    expect(klDivergence(new ShiftedPointMass(1), new PointMass(2)).dataSync()[0]).toBe(Infinity);
  });

  it('prefers the most specific registration', () => {
    registerKL(ShiftedPointMass, PointMass, () => tf.tensor1d([7]));
    expect(klDivergence(new ShiftedPointMass(1), new PointMass(1)).dataSync()[0]).toBe(7);
  });

  it('names the pair and the fix when nothing is registered', () => {
    registerKL(Other, Other, () => tf.tensor1d([0]));
    expect(() => klDivergence(new Other(1), new ShiftedPointMass(1))).not.toThrow();
    const unrelated = { batchSize: 1, eventSize: 1 } as unknown as Distribution;
    expect(() => klDivergence(new PointMass(1), unrelated)).toThrow(UnregisteredKLError);
    expect(() => klDivergence(new PointMass(1), unrelated)).toThrow(/\(PointMass, Object\).*registerKL\(PointMass, Object/);
  });

  it('refuses a second registration of the same pair unless asked to replace it', () => {
    expect(() => registerKL(PointMass, PointMass, () => tf.tensor1d([1]))).toThrow(DuplicateKLError);
    registerKL(PointMass, PointMass, () => tf.tensor1d([1]), { replace: true });
    expect(klDivergence(new PointMass(1), new PointMass(1)).dataSync()[0]).toBe(1);
  });
});
