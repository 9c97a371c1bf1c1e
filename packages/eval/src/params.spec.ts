import { describe, expect, it } from 'vitest';
import { EvalParamsError } from './errors.ts';
import { DEFAULT_EVAL_PARAMS, parseEvalParams } from './params.ts';

describe('eval params', () => {
  it('fills defaults and keeps given values', () => {
    const p = parseEvalParams({ seed: 3, limits: { rotated: 500 } });
    expect(p.seed).toBe(3);
    expect(p.limits.rotated).toBe(500);
    expect(p.limits.upright).toBeNull();
    expect(p.pose).toEqual(DEFAULT_EVAL_PARAMS.pose);
  });

  it('lists every problem, including unknown keys', () => {
    let error: unknown;
    try {
      parseEvalParams({ seeed: 1, batchSize: 0, pose: { refineStepDeg: 5 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvalParamsError);
    expect(String(error)).toMatch(/params\.seeed is not an eval param/);
  });

  it('checks ranges once the keys are known', () => {
    expect(() => parseEvalParams({ batchSize: 0, pose: { refineStepDeg: 5 } })).toThrow(/batchSize[\s\S]*refineStepDeg/);
  });
});
