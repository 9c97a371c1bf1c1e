import { describe, expect, it } from 'vitest';
import { InvalidDistributionArgumentError } from './errors.ts';
import { VMF_TABLE } from './reference-tables.ts';
import { besselOrder, checkAmbientDim, logSphereArea } from './sphere.ts';

describe('sphere helpers', () => {
  it('gives the circumference and area of the circle and the 2-sphere', () => {
    expect(logSphereArea(2)).toBeCloseTo(Math.log(2 * Math.PI), 14);
    expect(logSphereArea(3)).toBeCloseTo(Math.log(4 * Math.PI), 14);
    expect(logSphereArea(4)).toBeCloseTo(Math.log(2 * Math.PI ** 2), 14);
  });

  it('matches the log-area column of the reference table', () => {
    for (const row of VMF_TABLE) {
      expect(Math.abs(logSphereArea(row.m) - row.logSphereArea)).toBeLessThan(1e-10 * Math.max(1, Math.abs(row.logSphereArea)));
    }
  });

  it('maps m to the Bessel order m/2 - 1 and refuses sphere dimensions by mistake', () => {
    expect(besselOrder(3)).toBe(0.5);
    expect(besselOrder(2)).toBe(0);
    expect(() => checkAmbientDim(1)).toThrow(InvalidDistributionArgumentError);
    expect(() => checkAmbientDim(2.5)).toThrow(/not the dimension m - 1/);
  });
});
