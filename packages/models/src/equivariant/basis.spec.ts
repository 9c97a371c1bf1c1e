import { describe, expect, it } from 'vitest';
import {
  defaultRings,
  liftingExpansion,
  regularExpansion,
  rot90Grid,
  rotatedBasis,
  sampleHarmonic,
  steerableBasis,
} from './basis.ts';
import { BasisError } from './errors.ts';

describe('steerable basis (escnn defaults)', () => {
  it('uses escnn rings, widths and per-ring frequency limits', () => {
    expect(defaultRings(5)).toEqual([
      { radius: 0, sigma: 0.005, maxFrequency: 0 },
      { radius: 1, sigma: 0.6, maxFrequency: 2 },
      { radius: 2, sigma: 0.4, maxFrequency: 2 },
    ]);
    expect(defaultRings(7).map((r) => r.maxFrequency)).toEqual([0, 2, 3, 2]);
    expect(defaultRings(3).map((r) => [r.radius, r.sigma])).toEqual([
      [0, 0.005],
      [1, 0.4],
    ]);
    expect(defaultRings(7, 1).map((r) => r.maxFrequency)).toEqual([0, 1, 1, 1]);
  });

  it('has 1 + 5 + 5 elements for kernel 5 and 1 + 5 for kernel 3, each of unit norm', () => {
    expect(steerableBasis(5).elements.length).toBe(11);
    expect(steerableBasis(3).elements.length).toBe(6);
    expect(steerableBasis(7).elements.length).toBe(1 + 5 + 7 + 5);
    const { values, nBasis } = rotatedBasis(5, 1);
    for (let b = 0; b < nBasis; b++) {
      let s = 0;
      for (let p = 0; p < 25; p++) s += values[b * 25 + p]! ** 2;
      expect(s).toBeCloseTo(1, 12);
    }
    expect(() => steerableBasis(0)).toThrow(BasisError);
  });

  it('samples rotated copies analytically: value at q is psi(R(-theta) q)', () => {
    const el = steerableBasis(5).elements.find((e) => e.frequency === 1 && e.phase === 'cos' && e.radius === 2)!;
    const theta = 0.3;
    const rotated = sampleHarmonic(el, 5, theta);
    // Pixel (row 2, col 4) is q = (2, 0); R(-theta) q = (2 cos theta, -2 sin theta), at angle -theta.
    const radial = Math.exp(-((2 - el.radius) ** 2) / (2 * el.sigma ** 2));
    expect(rotated[2 * 5 + 4]).toBeCloseTo(radial * Math.cos(-theta), 12);
  });

  it('makes orientations a quarter turn apart exact pixel permutations of each other', () => {
    for (const n of [4, 8, 16]) {
      const { values, nBasis } = rotatedBasis(5, n);
      const q = n / 4;
      for (let r = 0; r < n - q; r++) {
        for (let b = 0; b < nBasis; b++) {
          const a = values.subarray((r * nBasis + b) * 25, (r * nBasis + b + 1) * 25);
          const c = values.subarray(((r + q) * nBasis + b) * 25, ((r + q) * nBasis + b + 1) * 25);
          expect(Array.from(rot90Grid(a, 5, 1))).toEqual(Array.from(c));
        }
      }
    }
  });

  it('agrees with analytic sampling to float precision at every orientation', () => {
    const { values, nBasis } = rotatedBasis(5, 8);
    const basis = steerableBasis(5);
    for (let r = 0; r < 8; r++) {
      basis.elements.forEach((el, b) => {
        const direct = sampleHarmonic(el, 5, (2 * Math.PI * r) / 8);
        for (let p = 0; p < 25; p++) expect(values[(r * nBasis + b) * 25 + p]).toBeCloseTo(direct[p]! / basis.norms[b]!, 12);
      });
    }
  });

  it('builds expansion matrices with the documented layout', () => {
    const lift = liftingExpansion(3, 4);
    expect([lift.rows, lift.cols]).toEqual([9 * 4, 6]);
    const reg = regularExpansion(3, 4);
    expect([reg.rows, reg.cols]).toEqual([9 * 16, 24]);
    // Row (p, u, r) only reads coefficients of relative orientation v = u - r mod N.
    const n = 4;
    for (let p = 0; p < 9; p++) {
      for (let u = 0; u < n; u++) {
        for (let r = 0; r < n; r++) {
          const row = (p * n + u) * n + r;
          for (let col = 0; col < reg.cols; col++) {
            const v = col % n;
            if (v !== (((u - r) % n) + n) % n) expect(reg.values[row * reg.cols + col]).toBe(0);
          }
        }
      }
    }
    expect(liftingExpansion(3, 4)).toBe(lift);
  });
});
