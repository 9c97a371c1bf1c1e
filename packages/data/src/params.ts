// The params of the data stage: one typed schema with defaults, checked at
// the boundary. A params file holds exactly this object (YAML or JSON);
// missing keys take the defaults below, unknown keys and wrong types are
// errors naming the field and the file. Validation builds a fresh object in
// a fixed key order, so the params echoed into manifests are byte-stable.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type DataParams, type EvalSetParams, MAX_SUPERSAMPLE, type RotationSpec, type SetSource, type SubsetParams } from '@sgvae/contracts';
import { parse as parseYaml } from 'yaml';
import { ParamsError } from './errors.ts';

export type { DataParams, EvalSetParams, RotationSpec, SetSource, SubsetParams };

export const RESERVED_SET_NAMES = ['train', 'val', 'test'] as const;
const SET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_GRID_ANGLES = 3600;

export const DEFAULT_SUBSET: SubsetParams = { total: 35_000, testFraction: 1 / 7 };
const FULL_CIRCLE: RotationSpec = { kind: 'uniform', min: -180, max: 180 };

export const DEFAULT_SET: EvalSetParams = { source: 'test', count: null, digits: null, rotation: FULL_CIRCLE };

export const DEFAULT_PARAMS: DataParams = {
  seed: 20230501,
  size: 33,
  subset: DEFAULT_SUBSET,
  validationFraction: 0.1,
  supersample: 3,
  sets: {
    // The paper's evaluation: all 10,000 MNIST test digits at random angles,
    'test-rotated': { source: 'test', count: 10_000, digits: null, rotation: FULL_CIRCLE },
    // its 6-or-9 question,
    'test-69-rotated': { source: 'test', count: null, digits: [6, 9], rotation: FULL_CIRCLE },
    // and, beyond it, every one of 500 digits at every 10 degrees, to measure how embeddings move with the angle.
    'test-rotation-grid': { source: 'test', count: 500, digits: null, rotation: { kind: 'grid', step: 10, min: -180, max: 180 } },
  },
};

type Json = Record<string, unknown>;

class Checker {
  constructor(private readonly file: string | undefined) {}

  fail(field: string, problem: string): never {
    throw new ParamsError(field, problem, this.file);
  }

  object(value: unknown, field: string, allowed: readonly string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `must be a mapping with keys ${allowed.join(', ')}; got ${describe(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(join(field, key), `is not a known key; allowed here: ${allowed.join(', ')}`);
    }
    return value as Json;
  }

  number(value: unknown, field: string, min: number, max: number, opts: { integer?: boolean; exclusiveMin?: boolean; exclusiveMax?: boolean } = {}): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `must be a number; got ${describe(value)}`);
    if (opts.integer === true && !Number.isInteger(value)) this.fail(field, `must be an integer; got ${value}`);
    const lowOk = opts.exclusiveMin === true ? value > min : value >= min;
    const highOk = opts.exclusiveMax === true ? value < max : value <= max;
    if (!lowOk || !highOk) {
      this.fail(field, `must be in ${opts.exclusiveMin === true ? '(' : '['}${min}, ${max}${opts.exclusiveMax === true ? ')' : ']'}; got ${value}`);
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T {
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${options.join(', ')}; got ${describe(value)}`);
    }
    return value as T;
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function pick<T>(obj: Json, key: string, fallback: T): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : fallback;
}

function parseRotation(check: Checker, value: unknown, field: string): RotationSpec {
  const kindOnly = check.object(value, field, ['kind', 'min', 'max', 'step', 'angles']);
  const kind = check.oneOf(pick(kindOnly, 'kind', undefined), join(field, 'kind'), ['none', 'uniform', 'grid', 'choice'] as const);
  switch (kind) {
    case 'none':
      check.object(value, field, ['kind']);
      return { kind };
    case 'uniform': {
      const obj = check.object(value, field, ['kind', 'min', 'max']);
      const min = check.number(pick(obj, 'min', -180), join(field, 'min'), -3600, 3600);
      const max = check.number(pick(obj, 'max', 180), join(field, 'max'), -3600, 3600);
      if (!(max > min)) check.fail(join(field, 'max'), `must be greater than min (${min}); got ${max}`);
      return { kind, min, max };
    }
    case 'grid': {
      const obj = check.object(value, field, ['kind', 'step', 'min', 'max']);
      const step = check.number(pick(obj, 'step', 10), join(field, 'step'), 0, 360, { exclusiveMin: true });
      const min = check.number(pick(obj, 'min', -180), join(field, 'min'), -3600, 3600);
      const max = check.number(pick(obj, 'max', 180), join(field, 'max'), -3600, 3600);
      if (!(max > min)) check.fail(join(field, 'max'), `must be greater than min (${min}); got ${max}`);
      if ((max - min) / step > MAX_GRID_ANGLES) check.fail(join(field, 'step'), `gives more than ${MAX_GRID_ANGLES} angles between ${min} and ${max}`);
      return { kind, step, min, max };
    }
    case 'choice': {
      const obj = check.object(value, field, ['kind', 'angles']);
      const angles = pick(obj, 'angles', undefined);
      if (!Array.isArray(angles) || angles.length === 0) check.fail(join(field, 'angles'), `must be a non-empty list of degrees; got ${describe(angles)}`);
      return { kind, angles: angles.map((a, i) => check.number(a, `${join(field, 'angles')}[${i}]`, -3600, 3600)) };
    }
  }
}

function parseSet(check: Checker, value: unknown, field: string): EvalSetParams {
  const obj = check.object(value ?? {}, field, ['source', 'count', 'digits', 'rotation']);
  const source = check.oneOf(pick(obj, 'source', DEFAULT_SET.source), join(field, 'source'), ['test', 'heldout'] as const);
  const rawCount = pick(obj, 'count', DEFAULT_SET.count);
  const count = rawCount === null ? null : check.number(rawCount, join(field, 'count'), 1, 10_000_000, { integer: true });
  const rawDigits = pick(obj, 'digits', DEFAULT_SET.digits);
  let digits: number[] | null = null;
  if (rawDigits !== null) {
    if (!Array.isArray(rawDigits) || rawDigits.length === 0) {
      check.fail(join(field, 'digits'), `must be a non-empty list of classes 0..9 or null; got ${describe(rawDigits)}`);
    }
    digits = rawDigits.map((d, i) => check.number(d, `${join(field, 'digits')}[${i}]`, 0, 9, { integer: true }));
    if (new Set(digits).size !== digits.length) check.fail(join(field, 'digits'), `lists a class twice: [${digits.join(', ')}]`);
  }
  const rotation = parseRotation(check, pick(obj, 'rotation', DEFAULT_SET.rotation), join(field, 'rotation'));
  return { source, count, digits, rotation };
}

/**
 * Validates a params object (already parsed from YAML/JSON) and fills in
 * defaults. `file` is only used in error messages. `null`/`undefined` mean
 * "all defaults" (an empty YAML file parses to null).
 */
export function parseDataParams(input: unknown, file?: string): DataParams {
  const check = new Checker(file);
  const obj = check.object(input ?? {}, '', ['seed', 'size', 'subset', 'validationFraction', 'supersample', 'sets']);
  const seed = check.number(pick(obj, 'seed', DEFAULT_PARAMS.seed), 'seed', 0, 0xffffffff, { integer: true });
  const size = check.number(pick(obj, 'size', DEFAULT_PARAMS.size), 'size', 28, 256, { integer: true });
  const rawSubset = pick(obj, 'subset', DEFAULT_PARAMS.subset);
  let subset: SubsetParams | null = null;
  if (rawSubset !== null) {
    const s = check.object(rawSubset, 'subset', ['total', 'testFraction']);
    subset = {
      total: check.number(pick(s, 'total', DEFAULT_SUBSET.total), 'subset.total', 1, 60_000, { integer: true }),
      testFraction: check.number(pick(s, 'testFraction', DEFAULT_SUBSET.testFraction), 'subset.testFraction', 0, 1, {
        exclusiveMin: true,
        exclusiveMax: true,
      }),
    };
  }
  const validationFraction = check.number(pick(obj, 'validationFraction', DEFAULT_PARAMS.validationFraction), 'validationFraction', 0, 1, {
    exclusiveMax: true,
  });
  const supersample = check.number(pick(obj, 'supersample', DEFAULT_PARAMS.supersample), 'supersample', 1, MAX_SUPERSAMPLE, { integer: true });
  let sets: Record<string, EvalSetParams> = { ...DEFAULT_PARAMS.sets };
  if (Object.hasOwn(obj, 'sets')) {
    const rawSets = obj.sets === null ? {} : obj.sets;
    if (typeof rawSets !== 'object' || Array.isArray(rawSets)) check.fail('sets', `must be a mapping from set name to set params; got ${describe(rawSets)}`);
    sets = {};
    for (const [name, value] of Object.entries(rawSets as Json)) {
      const field = join('sets', name);
      if (!SET_NAME.test(name)) check.fail(field, 'is not a valid set name: use lower-case letters, digits, - and _ (it becomes a folder name)');
      if ((RESERVED_SET_NAMES as readonly string[]).includes(name)) check.fail(field, `clashes with the always-built upright set "${name}"; pick another name`);
      sets[name] = parseSet(check, value, field);
    }
  }
  return { seed, size, subset, validationFraction, supersample, sets };
}

/** Reads a params file (.yaml, .yml or .json) holding exactly the data stage's params. */
export function loadDataParams(file: string): DataParams {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParamsError('', `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); check the --params path`, file, { cause });
  }
  const ext = extname(file).toLowerCase();
  let parsed: unknown;
  try {
    if (ext === '.json') parsed = JSON.parse(text);
    else if (ext === '.yaml' || ext === '.yml') parsed = parseYaml(text);
    else throw new ParamsError('', `has extension "${ext}"; use .yaml, .yml or .json`, file);
  } catch (cause) {
    if (cause instanceof ParamsError) throw cause;
    throw new ParamsError('', `is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`, file, { cause });
  }
  return parseDataParams(parsed, file);
}

/** The angles of a grid rotation, in order. */
export function gridAngles(spec: Extract<RotationSpec, { kind: 'grid' }>): number[] {
  const angles: number[] = [];
  // Multiplying (not accumulating) keeps e.g. -180 + 9 * 10 exactly -90, so
  // grid points on multiples of 90 degrees take the exact permutation path.
  for (let k = 0; spec.min + k * spec.step < spec.max; k++) angles.push(spec.min + k * spec.step);
  return angles;
}
