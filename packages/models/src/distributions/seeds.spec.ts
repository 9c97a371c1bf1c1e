import { describe, expect, it } from 'vitest';
import { InvalidDistributionArgumentError } from './errors.ts';
import { OPEN_UNIT_MAX, OPEN_UNIT_MIN, checkSeed, deriveSeed } from './seeds.ts';

describe('seed derivation', () => {
  it('is deterministic, never 0 (tfjs reads 0 as unseeded) and separates streams and seeds', () => {
    const seen = new Set<number>();
    for (const seed of [0, 1, 2, -1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      for (const stream of [0, 1, 2, 3]) {
        const derived = deriveSeed(seed, stream);
        expect(derived).toBe(deriveSeed(seed, stream));
        expect(derived).toBeGreaterThanOrEqual(1);
        expect(derived).toBeLessThan(2 ** 31);
        seen.add(derived);
      }
    }
    expect(seen.size).toBe(24);
    expect(deriveSeed(5, 1, 2)).not.toBe(deriveSeed(5, 2, 1));
  });

  it('refuses non-integer seeds', () => {
    expect(() => checkSeed(0.5)).toThrow(InvalidDistributionArgumentError);
    expect(() => deriveSeed(Number.NaN)).toThrow(/safe integer/);
  });

  it('keeps uniform draws strictly inside (0, 1) after float32 rounding', () => {
    expect(Math.fround(OPEN_UNIT_MIN)).toBeGreaterThan(0);
    expect(Math.fround(OPEN_UNIT_MIN + (OPEN_UNIT_MAX - OPEN_UNIT_MIN) * (1 - 2 ** -32))).toBeLessThan(1);
  });
});
