import { describe, expect, it } from 'vitest';
import { logGamma, stirlingRemainder } from './log-gamma.ts';

// log n! by direct summation: an independent float64 value for integer arguments.
const logFactorial = (n: number) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};

describe('logGamma', () => {
  it('matches log (n-1)! at integers to 1e-14 relative', () => {
    for (const n of [2, 3, 5, 10, 21, 50, 101, 171, 1000]) {
      const expected = logFactorial(n - 1);
      expect(Math.abs(logGamma(n) - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
    }
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
  });

  it('matches the half-integer closed form Gamma(1/2) = sqrt(pi), Gamma(n + 1/2) = (2n)! sqrt(pi) / (4^n n!)', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    for (const n of [1, 2, 7, 31, 49]) {
      const expected = logFactorial(2 * n) + 0.5 * Math.log(Math.PI) - n * Math.log(4) - logFactorial(n);
      expect(Math.abs(logGamma(n + 0.5) - expected)).toBeLessThanOrEqual(1e-14 * Math.abs(expected));
    }
  });

  it('reflects below 1/2 and refuses poles', () => {
    // Gamma(-1/2) = -2 sqrt(pi)
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(() => logGamma(0)).toThrow(/pole/);
    expect(() => logGamma(Number.NaN)).toThrow(/finite/);
  });

  it('gives the Stirling remainder without cancellation', () => {
    for (const nu of [0.5, 3, 9.99, 10, 63, 1e4]) {
      const direct = logGamma(nu + 1) - (nu * Math.log(nu) - nu + 0.5 * Math.log(2 * Math.PI * nu));
      // The direct difference is only good to ~1e-16 * nu log nu; compare at that level.
      expect(Math.abs(stirlingRemainder(nu) - direct)).toBeLessThan(4e-16 * (nu * Math.log(nu + 1) + 10));
    }
    expect(stirlingRemainder(1e4)).toBeCloseTo(1 / 12e4 - 1 / 360e12, 18);
  });
});
