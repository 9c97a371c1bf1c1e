import { describe, expect, it } from 'vitest';
import { circularDistance, circularMeanAbsoluteError, summariseCircularError, wrapDegrees } from './circular.ts';

describe('circular error', () => {
  it('wraps around: 350 against 10 degrees is 20', () => {
    expect(circularDistance(350, 10)).toBe(20);
    expect(circularDistance(-170, 170)).toBe(20);
    expect(circularMeanAbsoluteError([350], [10])).toBe(20);
    expect(circularMeanAbsoluteError([350, 180, 0], [10, -180, 90])).toBeCloseTo((20 + 0 + 90) / 3, 12);
  });

  it('wraps angles into [-180, 180)', () => {
    expect(wrapDegrees(180)).toBe(-180);
    expect(wrapDegrees(540)).toBe(-180);
    expect(wrapDegrees(-190)).toBe(170);
    expect(wrapDegrees(359)).toBe(-1);
  });

  it('summarises median and the fraction within tolerance', () => {
    const s = summariseCircularError([0, 5, 30, 180], [0, 0, 0, 0], 10);
    expect(s.medianAbsoluteError).toBe(17.5);
    expect(s.withinTolerance).toBe(0.5);
    expect(s.count).toBe(4);
  });
});
