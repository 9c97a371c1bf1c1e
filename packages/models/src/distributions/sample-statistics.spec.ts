import { describe, expect, it } from 'vitest';
import { kolmogorovSmirnov, kolmogorovSmirnovCritical, meanWithStandardError } from './sample-statistics.ts';

describe('sample statistics', () => {
  it('computes mean and standard error', () => {
    const { mean, standardError } = meanWithStandardError([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(standardError).toBeCloseTo(Math.sqrt(5 / 3 / 4), 15);
  });

  it('accepts an exact uniform grid and rejects a shifted one', () => {
    const n = 1000;
    const grid = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const uniformCdf = (x: number) => Math.min(1, Math.max(0, x));
    expect(kolmogorovSmirnov(grid, uniformCdf)).toBeCloseTo(0.5 / n, 12);
    expect(kolmogorovSmirnov(grid.map((x) => x * 0.9), uniformCdf)).toBeGreaterThan(kolmogorovSmirnovCritical(n, 0.01));
    // The textbook constant c(0.01) = 1.628.
    expect(kolmogorovSmirnovCritical(1, 0.01)).toBeCloseTo(1.6276, 4);
  });
});
