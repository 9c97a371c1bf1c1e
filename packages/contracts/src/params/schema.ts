// Building blocks of every stage's params schema, on zod: the field kinds the
// stages use (each with an error message that says what is allowed), strict
// mappings (unknown keys are refused with the closest known key suggested),
// and `parseParams`, which turns zod's issues into one ParamsError naming the
// file and the full path of every bad field.
import { z } from 'zod';
import { ParamsError, type ParamsIssue, type ParamsSource } from './errors.ts';

export { z };

/** A value as a message shows it: scalars as JSON, containers by their kind. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** The candidate nearest to a mistyped word, when it is close enough to be the word meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** ` (did you mean `x`?)` when a known word is close, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const hint = closest(word, candidates);
  return hint === undefined ? '' : ` (did you mean \`${hint}\`?)`;
}

export interface NumberLimits {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
}

/** "an integer in [1, 10]", "a number > 0": what a number field accepts. */
export function describeNumber(limits: NumberLimits): string {
  const noun = limits.integer === true ? 'an integer' : 'a number';
  const lo = limits.min ?? limits.above;
  const hi = limits.max ?? limits.below;
  if (lo !== undefined && hi !== undefined) {
    return `${noun} in ${limits.min !== undefined ? '[' : '('}${lo}, ${hi}${limits.max !== undefined ? ']' : ')'}`;
  }
  if (lo !== undefined) return `${noun} ${limits.min !== undefined ? '>=' : '>'} ${lo}`;
  if (hi !== undefined) return `${noun} ${limits.max !== undefined ? '<=' : '<'} ${hi}`;
  return limits.integer === true ? 'an integer' : 'a finite number';
}

/** A finite number within limits; any violation says the whole range. */
export function number(limits: NumberLimits = {}): z.ZodNumber {
  const error = (issue: { input?: unknown }): string => `must be ${describeNumber(limits)}, got ${showValue(issue.input)}`;
  let s = z.number({ error });
  if (limits.integer === true) s = s.int({ error });
  if (limits.min !== undefined) s = s.min(limits.min, { error });
  if (limits.above !== undefined) s = s.gt(limits.above, { error });
  if (limits.max !== undefined) s = s.max(limits.max, { error });
  if (limits.below !== undefined) s = s.lt(limits.below, { error });
  return s;
}

/** One of a fixed list of strings. */
export function choice<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: (issue) => `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${showValue(issue.input)}` });
}

/** true or false. */
export function flag(): z.ZodBoolean {
  return z.boolean({ error: (issue) => `must be true or false, got ${showValue(issue.input)}` });
}

/** A non-empty string. */
export function text(): z.ZodString {
  const error = (issue: { input?: unknown }): string => `must be a non-empty string, got ${showValue(issue.input)}`;
  return z.string({ error }).min(1, { error });
}

/** A mapping whose content another function checks (e.g. a network config owned by the models package). */
export function mapping(): z.ZodRecord<z.ZodString, z.ZodUnknown> {
  return z.record(z.string(), z.unknown(), { error: (issue) => `must be a mapping, got ${showValue(issue.input)}` });
}

/** A mapping of known keys only: an unknown key is an error that names the closest known key. */
export function strict<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  return z.strictObject(shape);
}

/** `a.b[2].c` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

type RawIssue = z.core.$ZodRawIssue;

/** Messages for the issues whose schema did not give its own. */
function fallbackMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected: Record<string, string> = {
        object: 'a mapping',
        record: 'a mapping',
        array: 'a list',
        string: 'a string',
        number: 'a finite number',
        int: 'an integer',
        boolean: 'true or false',
        null: 'null',
      };
      return `must be ${expected[issue.expected] ?? issue.expected}, got ${showValue(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}, got ${(issue.input as unknown[]).length}`;
      if (issue.origin === 'string') return `must be at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'} long, got ${showValue(issue.input)}`;
      return `must be ${issue.inclusive === false ? '>' : '>='} ${issue.minimum}, got ${showValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must list at most ${issue.maximum} items, got ${(issue.input as unknown[]).length}`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long, got ${showValue(issue.input)}`;
      return `must be ${issue.inclusive === false ? '<' : '<='} ${issue.maximum}, got ${showValue(issue.input)}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${showValue(issue.input)}`;
    case 'invalid_union':
      if (typeof issue.discriminator === 'string' && Array.isArray(issue.options)) {
        const input = issue.input as Record<string, unknown> | undefined;
        const given = typeof input === 'object' && input !== null ? input[issue.discriminator] : input;
        return `must be one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${showValue(given)}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Validates `raw` against `schema` and returns zod's output (defaults filled
 * in, keys in the schema's order). Throws a ParamsError listing every problem,
 * each with the full path of its field.
 */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown, source: ParamsSource = {}): z.output<S> {
  // Known keys of each mapping with an unknown key, by the mapping's path.
  const known = new Map<string, string[]>();
  const result = schema.safeParse(raw, {
    reportInput: true,
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
        known.set(formatPath(issue.path ?? []), Object.keys(shape ?? {}));
        return 'is not a known key';
      }
      return fallbackMessage(issue);
    },
  });
  if (result.success) return result.data;
  const issues: ParamsIssue[] = [];
  for (const issue of result.error.issues) {
    const at = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = known.get(at) ?? [];
      for (const key of issue.keys) {
        issues.push({
          field: at === '' ? key : `${at}.${key}`,
          problem: `is not a known key${didYouMean(key, keys)}; allowed here: ${keys.join(', ')}`,
        });
      }
    } else {
      issues.push({ field: at, problem: issue.message });
    }
  }
  throw new ParamsError(issues, source);
}
