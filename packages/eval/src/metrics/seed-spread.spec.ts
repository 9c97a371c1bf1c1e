import { describe, expect, it } from 'vitest';
import { incompleteBeta, spreadOf, studentTCdf, studentTQuantileTwoSided } from './seed-spread.ts';

describe('seed spread', () => {
  // Reference quantiles: the t table (e.g. R's qt(0.975, df)).
  it.each([
    [1, 12.706204736],
    [2, 4.302652730],
    [4, 2.776445105],
    [10, 2.228138852],
    [30, 2.042272456],
  ])('the 95%% two-sided t quantile with %i degrees of freedom is %f', (df, want) => {
    expect(studentTQuantileTwoSided(0.95, df)).toBeCloseTo(want, 7);
  });

  it('agrees with closed forms: the t CDF with 1 and 2 degrees of freedom, and I_x(1, 1) = x', () => {
    for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
    for (const x of [0.1, 0.5, 0.93]) expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
    // I_x(a, 1) = x^a
    expect(incompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 12);
  });

  it('gives mean, sample sd and the t interval of three runs', () => {
    const s = spreadOf([0.70, 0.74, 0.78], 0.95);
    expect(s.mean).toBeCloseTo(0.74, 14);
    expect(s.sd).toBeCloseTo(0.04, 14);
    const half = (4.30265273 * 0.04) / Math.sqrt(3);
    expect(s.interval!.lower).toBeCloseTo(0.74 - half, 7);
    expect(s.interval!.upper).toBeCloseTo(0.74 + half, 7);
    expect(s.interval!.level).toBe(0.95);
  });

  it('has no interval for one run, and refuses no values or non-finite ones', () => {
    expect(spreadOf([0.5], 0.95)).toEqual({ n: 1, mean: 0.5, sd: 0, interval: null, values: [0.5] });
    expect(() => spreadOf([], 0.95)).toThrow(/no values/);
    expect(() => spreadOf([0.5, NaN], 0.95)).toThrow(/finite/);
    expect(() => studentTQuantileTwoSided(1.2, 3)).toThrow(/confidence level/);
  });
});
