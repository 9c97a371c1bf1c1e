import { ParamsError } from '@sgvae/contracts/params';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_PARAMS, parseEvalParams } from './params.ts';

describe('eval params', () => {
  it('fills defaults and keeps given values', () => {
    const p = parseEvalParams({ seed: 3, limits: { rotated: 500 } });
    expect(p.seed).toBe(3);
    expect(p.limits.rotated).toBe(500);
    expect(p.limits.upright).toBeNull();
    expect(p.pose).toEqual(DEFAULT_EVAL_PARAMS.pose);
    expect(parseEvalParams(null)).toEqual(DEFAULT_EVAL_PARAMS);
    expect(JSON.stringify(parseEvalParams({}))).toBe(JSON.stringify(DEFAULT_EVAL_PARAMS));
  });

  it('lists every problem, including unknown keys', () => {
    let error: unknown;
    try {
      parseEvalParams({ seeed: 1, batchSize: 0, pose: { refineStepDeg: 5 } }, { file: 'p.yaml', section: 'eval' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as ParamsError).issues.map((i) => i.field).sort()).toEqual(['batchSize', 'pose.refineStepDeg', 'seeed']);
    expect(String(error)).toMatch(/^ParamsError: p.yaml: 3 problems:/);
    expect(String(error)).toMatch(/`eval.seeed` is not a known key \(did you mean `seed`\?\)/);
    expect(String(error)).toMatch(/`eval.batchSize` must be an integer in \[1, 100000\], got 0/);
    expect(String(error)).toMatch(/`eval.pose.refineStepDeg` must be a number in \(0, 2\] \(at most coarseStepDeg\), got 5/);
  });

  it('checks folder names, caps and the bootstrap', () => {
    expect(() => parseEvalParams({ datasets: { grid: 'a/b' } }, 'e.json')).toThrow(/^e.json: `datasets.grid` must be a folder name \(no slashes\), got "a\/b"$/);
    expect(parseEvalParams({ datasets: { sixNine: null } }).datasets.sixNine).toBeNull();
    expect(() => parseEvalParams({ limits: { pose: 0 } })).toThrow(/`limits.pose` must be an integer in \[1, /);
    expect(() => parseEvalParams({ bootstrapResamples: 5 })).toThrow(/`bootstrapResamples` must be 0 \(no bootstrap\) or an integer in \[10, 1000000\], got 5/);
    expect(parseEvalParams({ bootstrapResamples: 0 }).bootstrapResamples).toBe(0);
    expect(() => parseEvalParams({ neighbourMetric: 'cos' })).toThrow(/`neighbourMetric` must be one of "cosine", "euclidean", got "cos"/);
    expect(() => parseEvalParams({ pose: null })).toThrow(/`pose` must be a mapping, got null/);
  });
});
