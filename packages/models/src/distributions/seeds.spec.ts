import { describe, expect, it } from 'vitest';
import { InvalidDistributionArgumentError } from './errors.ts';
import { OPEN_UNIT_MAX, OPEN_UNIT_MIN, checkSeed } from './seeds.ts';

describe('sampler seeds', () => {
  it('refuses non-integer seeds', () => {
    expect(() => checkSeed(0.5)).toThrow(InvalidDistributionArgumentError);
    expect(() => checkSeed(Number.NaN)).toThrow(/safe integer/);
  });

  it('keeps uniform draws strictly inside (0, 1) after float32 rounding', () => {
    expect(Math.fround(OPEN_UNIT_MIN)).toBeGreaterThan(0);
    expect(Math.fround(OPEN_UNIT_MIN + (OPEN_UNIT_MAX - OPEN_UNIT_MIN) * (1 - 2 ** -32))).toBeLessThan(1);
  });
});
