import { describe, expect, it } from 'vitest';
import { DataError } from './errors.ts';
import { splitmix32 } from '@sgvae/contracts';
import { Xoshiro128, createRng, shuffleInPlace } from './prng.ts';

// Reference outputs from the authors' C code (prng.di.unimi.it/xoshiro128starstar.c,
// version 1.1) compiled with gcc, and splitmix32 written in C alongside it.
const REF_STATE_1234 = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
const REF_SEED_20230501_STATE = [1758505244, 3679013236, 3439438181, 3597469127];
const REF_SEED_20230501_OUT = [4042568516, 1651222172, 663569246, 3432966257, 2241061126, 1350557315];

describe('xoshiro128**', () => {
  it('matches the reference C implementation from a given state', () => {
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(REF_STATE_1234);
  });

  it('seeds through splitmix32 exactly like the reference', () => {
    const next = splitmix32(20230501);
    expect([next(), next(), next(), next()]).toEqual(REF_SEED_20230501_STATE);
    const rng = createRng(20230501);
    expect(rng.getState()).toEqual(REF_SEED_20230501_STATE);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(REF_SEED_20230501_OUT);
  });

  it('resumes from a saved state and clones independently', () => {
    const a = createRng(7);
    for (let i = 0; i < 100; i++) a.nextUint32();
    const saved = a.getState();
    const b = Xoshiro128.fromState(saved);
    const c = a.clone();
    const fromA = Array.from({ length: 10 }, () => a.nextFloat());
    expect(Array.from({ length: 10 }, () => b.nextFloat())).toEqual(fromA);
    expect(Array.from({ length: 10 }, () => c.nextFloat())).toEqual(fromA);
  });

  it('draws floats in [0, 1) with mean and variance of a uniform', () => {
    const rng = createRng(1);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard error of the mean is 1/sqrt(12 n) = 6.5e-4; 5 sigma.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(3.3e-3);
    expect(Math.abs(sumSq / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(2e-3);
  });

  it('draws unbiased integers: chi-square over 7 bins stays below the 0.999 quantile', () => {
    const rng = createRng(2);
    const bins = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) bins[rng.nextInt(7)]!++;
    const chi2 = bins.reduce((s, b) => s + (b - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.46); // chi-square(6) 0.999 quantile
    expect(() => rng.nextInt(0)).toThrow(DataError);
    expect(() => rng.nextInt(1.5)).toThrow(/integer/);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const a = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), createRng(3));
    const b = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), createRng(3));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses bad seeds and states', () => {
    expect(() => createRng(-1)).toThrow(/seed must be an integer/);
    expect(() => createRng(2 ** 32)).toThrow(DataError);
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(/all-zero/);
    expect(() => Xoshiro128.fromState([1, 2, 3, -4])).toThrow(/unsigned 32-bit/);
  });
});
