import { describe, expect, it } from 'vitest';
import { EvalInputError } from '../errors.ts';
import { accuracyWithInterval, bootstrapMeanInterval, normalQuantileTwoSided, wilsonInterval } from './accuracy.ts';

// Reference values: the Wilson formula evaluated in float64 with Python's
// statistics.NormalDist().inv_cdf(0.975) = 1.9599639845400536 (an independent
// quantile); 8/10 -> (0.4902, 0.9433) is also the textbook example.
describe('Wilson interval', () => {
  it('matches hand-computed values', () => {
    const cases: [number, number, number, number][] = [
      [8, 10, 0.49016247153664183, 0.9433178485456247],
      [91, 100, 0.837737871472837, 0.9519274599974348],
      [79, 100, 0.7002003116591013, 0.858343459380847],
      [0, 20, 0, 0.1611251580528193],
    ];
    for (const [k, n, lo, hi] of cases) {
      const w = wilsonInterval(k, n);
      expect(w.lower).toBeCloseTo(lo, 7);
      expect(w.upper).toBeCloseTo(hi, 7);
      expect(w.level).toBe(0.95);
    }
  });

  it('uses the normal quantile of the requested level', () => {
    expect(normalQuantileTwoSided(0.95)).toBeCloseTo(1.9599639845400536, 7);
    expect(normalQuantileTwoSided(0.99)).toBeCloseTo(2.5758293035489, 7);
  });

  it('refuses impossible counts, saying what it got', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(EvalInputError);
    expect(() => wilsonInterval(0, 0)).toThrow(/0\/0/);
  });
});

describe('accuracy', () => {
  const labels = Uint8Array.from({ length: 200 }, (_, i) => i % 10);

  it('is 1 for a perfect model, with an interval that reaches 1', () => {
    const a = accuracyWithInterval(labels, labels, { bootstrap: { resamples: 200, seed: 1 } });
    expect(a.accuracy).toBe(1);
    expect(a.correct).toBe(200);
    expect(a.wilson.upper).toBe(1);
    expect(a.wilson.lower).toBeGreaterThan(0.98);
    expect(a.bootstrap).toEqual({ lower: 1, upper: 1, level: 0.95 });
  });

  it('equals the class frequency for a constant model', () => {
    const constant = new Uint8Array(200).fill(3);
    const a = accuracyWithInterval(constant, labels);
    expect(a.accuracy).toBeCloseTo(0.1, 12);
    expect(a.wilson.lower).toBeLessThan(0.1);
    expect(a.wilson.upper).toBeGreaterThan(0.1);
    expect(a.bootstrap).toBeUndefined();
  });

  it('refuses mismatched lengths', () => {
    expect(() => accuracyWithInterval(labels.subarray(1), labels)).toThrow(/199 predictions against 200 labels/);
  });
});

describe('bootstrap interval', () => {
  it('is deterministic for a seed and close to the Wilson interval for a large sample', () => {
    const values = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 1 : 0));
    const a = bootstrapMeanInterval(values, { seed: 7, resamples: 500 });
    const b = bootstrapMeanInterval(values, { seed: 7, resamples: 500 });
    expect(a).toEqual(b);
    const w = wilsonInterval(700, 1000);
    expect(a.lower).toBeCloseTo(w.lower, 1);
    expect(a.upper).toBeCloseTo(w.upper, 1);
    expect(a.lower).toBeLessThan(0.7);
    expect(a.upper).toBeGreaterThan(0.7);
  });
});
