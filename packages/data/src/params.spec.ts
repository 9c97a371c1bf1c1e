import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParamsError } from './errors.ts';
import { DEFAULT_PARAMS, gridAngles, loadDataParams, parseDataParams } from './params.ts';
import { useTempDir } from './testing/temp-dir.ts';

const freshDir = useTempDir('params');

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParamsError) return error.field;
    throw error;
  }
  throw new Error('expected a ParamsError');
}

describe('data params', () => {
  it('fills every missing key with its default', () => {
    expect(parseDataParams({})).toEqual(DEFAULT_PARAMS);
    expect(parseDataParams(null)).toEqual(DEFAULT_PARAMS);
    const p = parseDataParams({ size: 29, subset: { total: 7000 }, sets: { mine: { digits: [3] } } });
    expect(p.size).toBe(29);
    expect(p.subset).toEqual({ total: 7000, testFraction: 1 / 7 });
    expect(p.sets).toEqual({ mine: { source: 'test', count: null, digits: [3], rotation: { kind: 'uniform', min: -180, max: 180 } } });
    expect(parseDataParams({ subset: null }).subset).toBeNull();
    expect(parseDataParams({ sets: { g: { rotation: { kind: 'grid' } } } }).sets.g!.rotation).toEqual({ kind: 'grid', step: 10, min: -180, max: 180 });
  });

  it('names the field of unknown keys and wrong types', () => {
    expect(fieldOf(() => parseDataParams({ sead: 1 }))).toBe('sead');
    expect(() => parseDataParams({ sead: 1 })).toThrow(/`sead` is not a known key \(did you mean `seed`\?\); allowed here: seed, size/);
    expect(fieldOf(() => parseDataParams({ size: '33' }))).toBe('size');
    expect(() => parseDataParams({ size: '33' })).toThrow(/`size` must be an integer in \[28, 256\], got "33"/);
    expect(() => parseDataParams({ sets: { a: { rotation: { kind: 'spin' } } } }, { file: 'p.yaml', section: 'data' })).toThrow(
      /^p.yaml: `data.sets.a.rotation.kind` must be one of "none", "uniform", "grid", "choice", got "spin"$/,
    );
    expect(() => parseDataParams({ sets: { a: { rotation: { kind: 'uniform', min: 10, max: 10 } } } })).toThrow(/`sets.a.rotation.max` must be greater than min \(10\), got 10/);
    expect(() => parseDataParams({ sets: { a: { digits: [6, 6] } } })).toThrow(/`sets.a.digits` lists a class twice: \[6, 6\]/);
    expect(() => parseDataParams({ sets: { test: {} } })).toThrow(/`sets.test` clashes with the always-built upright set "test"/);
    expect(fieldOf(() => parseDataParams({ size: 33.5 }))).toBe('size');
    expect(fieldOf(() => parseDataParams({ subset: { total: 35000, test: 0.1 } }))).toBe('subset.test');
    expect(fieldOf(() => parseDataParams({ subset: { testFraction: 1 } }))).toBe('subset.testFraction');
    expect(fieldOf(() => parseDataParams({ sets: { a: { count: 0 } } }))).toBe('sets.a.count');
    expect(fieldOf(() => parseDataParams({ sets: { a: { digits: [6, 6] } } }))).toBe('sets.a.digits');
    expect(fieldOf(() => parseDataParams({ sets: { a: { digits: [6, 10] } } }))).toBe('sets.a.digits[1]');
    expect(fieldOf(() => parseDataParams({ sets: { a: { rotation: { kind: 'spin' } } } }))).toBe('sets.a.rotation.kind');
    expect(fieldOf(() => parseDataParams({ sets: { a: { rotation: { kind: 'uniform', step: 3 } } } }))).toBe('sets.a.rotation.step');
    expect(fieldOf(() => parseDataParams({ sets: { a: { rotation: { kind: 'uniform', min: 10, max: 10 } } } }))).toBe('sets.a.rotation.max');
    expect(fieldOf(() => parseDataParams({ sets: { a: { rotation: { kind: 'choice', angles: [] } } } }))).toBe('sets.a.rotation.angles');
    expect(fieldOf(() => parseDataParams({ sets: { test: {} } }))).toBe('sets.test');
    expect(fieldOf(() => parseDataParams({ sets: { 'Bad Name': {} } }))).toBe('sets.Bad Name');
    expect(fieldOf(() => parseDataParams({ supersample: 0 }))).toBe('supersample');
    expect(fieldOf(() => parseDataParams({ seed: -1 }))).toBe('seed');
    expect(fieldOf(() => parseDataParams([1]))).toBe('');
    expect(fieldOf(() => parseDataParams({ sets: { a: { rotation: { kind: 'grid', step: 0.01 } } } }))).toBe('sets.a.rotation.step');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      parseDataParams({ sead: 1, size: 7, sets: { a: { count: 0 } } }, 'p.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsError);
    const issues = (error as ParamsError).issues.map((i) => i.field);
    expect(issues.sort()).toEqual(['sead', 'sets.a.count', 'size']);
    expect(String((error as Error).message)).toMatch(/^p.yaml: 3 problems:\n {2}- /);
  });

  it('reads YAML and JSON files and names the file in errors', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const yaml = join(dir, 'data.yaml');
    writeFileSync(yaml, 'seed: 7\nsize: 29\nsets:\n  r:\n    count: 20\n    rotation: { kind: choice, angles: [0, 90] }\n');
    const p = loadDataParams(yaml);
    expect([p.seed, p.size, p.sets.r!.count]).toEqual([7, 29, 20]);
    expect(p.sets.r!.rotation).toEqual({ kind: 'choice', angles: [0, 90] });
    const json = join(dir, 'data.json');
    writeFileSync(json, JSON.stringify({ validationFraction: 0.2, extra: true }));
    expect(() => loadDataParams(json)).toThrow(new RegExp(`^${json}: \`extra\` is not a known key`));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'seed: [1, 2\n');
    expect(() => loadDataParams(broken, '--params')).toThrow(/broken\.yaml: is not valid YAML at line 2, column 1 \(.+\); fix the syntax there, or pass another file to --params$/);
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    expect(loadDataParams(empty)).toEqual(DEFAULT_PARAMS);
    expect(() => loadDataParams(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot be read \(ENOENT: no such file\); pass an existing \.json or \.yaml file$/);
    writeFileSync(join(dir, 'p.toml'), '');
    expect(() => loadDataParams(join(dir, 'p.toml'))).toThrow(/p\.toml: has extension "\.toml", so it is read as neither JSON nor YAML; pass a \.json, \.yaml or \.yml file$/);
  });

  it('lists grid angles without accumulating rounding error', () => {
    const angles = gridAngles({ kind: 'grid', step: 10, min: -180, max: 180 });
    expect(angles.length).toBe(36);
    expect(angles[0]).toBe(-180);
    expect(angles[9]).toBe(-90);
    expect(angles[18]).toBe(0);
    expect(angles[35]).toBe(170);
    // Summing 0.1 nine hundred times gives 89.99999999999859 < 90, which would add a 901st angle.
    expect(gridAngles({ kind: 'grid', step: 0.1, min: 0, max: 90 }).length).toBe(900);
  });
});
