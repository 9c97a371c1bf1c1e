import { describe, expect, it } from 'vitest';
import { klWarmupFactor, learningRateAt } from './lr-schedule.ts';

describe('learning-rate schedule', () => {
  it('decays by gamma once per epoch, starting at the initial rate', () => {
    const s = { initial: 1e-2, gamma: 0.9 };
    expect(learningRateAt(0, s)).toBe(1e-2);
    expect(learningRateAt(1, s)).toBeCloseTo(9e-3, 15);
    expect(learningRateAt(10, s)).toBeCloseTo(1e-2 * 0.3486784401, 12);
    expect(learningRateAt(99, s)).toBeCloseTo(1e-2 * 0.9 ** 99, 15);
  });

  it('respects a floor and refuses a bad epoch', () => {
    expect(learningRateAt(50, { initial: 1, gamma: 0.5, min: 1e-4 })).toBe(1e-4);
    expect(() => learningRateAt(-1, { initial: 1, gamma: 0.9 })).toThrow(RangeError);
    expect(() => learningRateAt(1.5, { initial: 1, gamma: 0.9 })).toThrow(RangeError);
  });

  it('warms the KL weight up linearly', () => {
    expect([0, 1, 2, 3, 4].map((e) => klWarmupFactor(e, 4))).toEqual([0.25, 0.5, 0.75, 1, 1]);
    expect(klWarmupFactor(0, 0)).toBe(1);
  });
});
