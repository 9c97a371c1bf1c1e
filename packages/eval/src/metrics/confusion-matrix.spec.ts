import { describe, expect, it } from 'vitest';
import { confusionMatrix, confusionRow, confusionRowRates } from './confusion-matrix.ts';

describe('confusion matrix', () => {
  it('counts (truth, prediction) pairs', () => {
    const labels = [6, 6, 6, 6, 9, 9, 9];
    const preds = [6, 6, 9, 0, 9, 4, 4];
    const m = confusionMatrix(labels, preds, 10);
    expect(confusionRow(m, 6)).toEqual([1, 0, 0, 0, 0, 0, 2, 0, 0, 1]);
    expect(confusionRow(m, 9)).toEqual([0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
    expect(m.counts.reduce((s, v) => s + v, 0)).toBe(7);
    expect(confusionRowRates(m, 9)[4]).toBeCloseTo(2 / 3, 12);
    expect(confusionRowRates(m, 0)).toEqual(new Array(10).fill(0));
  });

  it('refuses labels outside the classes', () => {
    expect(() => confusionMatrix([10], [0], 10)).toThrow(/outside 0..9/);
  });
});
