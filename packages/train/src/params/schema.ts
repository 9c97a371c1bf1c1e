// A small typed schema for a stage's params: each field has a kind, limits,
// a description and a default per profile. Validation happens once, at the
// boundary (the params file); everything past it gets plain typed values.
import { TrainParamsError } from '../errors.ts';

export const PROFILES = ['smoke', 'default', 'paper'] as const;
export type Profile = (typeof PROFILES)[number];

interface FieldBase<T> {
  description: string;
  defaults: Readonly<Record<Profile, T>>;
}
export interface NumberField extends FieldBase<number> {
  kind: 'number';
  integer?: boolean;
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
}
export interface BooleanField extends FieldBase<boolean> {
  kind: 'boolean';
}
export interface EnumField<T extends string = string> extends FieldBase<T> {
  kind: 'enum';
  values: readonly T[];
}
export interface StringField extends FieldBase<string> {
  kind: 'string';
}
/** A nested object checked by its own function (e.g. a model config owned by another package). */
export interface ObjectField<T = unknown> extends FieldBase<T> {
  kind: 'object';
  check?: (value: unknown, field: string) => T;
}
export type Field = NumberField | BooleanField | EnumField | StringField | ObjectField;
export type Schema = Readonly<Record<string, Field>>;

type ValueOf<F> = F extends { kind: 'number' }
  ? number
  : F extends { kind: 'boolean' }
    ? boolean
    : F extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { kind: 'string' }
        ? string
        : F extends { kind: 'object' }
          ? Record<string, unknown>
          : never;
export type ParamsOf<S extends Schema> = { -readonly [K in keyof S]: ValueOf<S[K]> } & { profile: Profile };

/** Defaults of one profile. */
export function defaultsFor<S extends Schema>(schema: S, profile: Profile): ParamsOf<S> {
  const out: Record<string, unknown> = { profile };
  for (const [key, field] of Object.entries(schema)) out[key] = structuredClone(field.defaults[profile]);
  return out as ParamsOf<S>;
}

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

function checkField(key: string, field: Field, value: unknown, file: string | undefined): unknown {
  const fail = (problem: string): never => {
    throw new TrainParamsError(key, problem, file);
  };
  switch (field.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a finite number, got ${JSON.stringify(value)}`);
      if (field.integer === true && !Number.isInteger(value)) return fail(`must be an integer, got ${value}`);
      if (field.min !== undefined && value < field.min) return fail(`must be >= ${field.min}, got ${value}`);
      if (field.above !== undefined && value <= field.above) return fail(`must be > ${field.above}, got ${value}`);
      if (field.max !== undefined && value > field.max) return fail(`must be <= ${field.max}, got ${value}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') return fail(`must be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !field.values.includes(value)) {
        return fail(`must be one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
      }
      return value;
    case 'string':
      if (typeof value !== 'string' || value === '') return fail(`must be a non-empty string, got ${JSON.stringify(value)}`);
      return value;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`must be an object, got ${JSON.stringify(value)}`);
      try {
        return field.check === undefined ? value : field.check(value, key);
      } catch (cause) {
        if (cause instanceof TrainParamsError) throw cause;
        throw new TrainParamsError(key, `is not a valid config: ${(cause as Error).message}`, file, { cause });
      }
  }
}

/**
 * Checks raw params (parsed JSON/YAML) against the schema and fills in the
 * defaults of the chosen profile (`profile`, default "default"). Unknown
 * keys are refused, with the closest known key suggested.
 */
export function resolveParams<S extends Schema>(schema: S, raw: unknown, file?: string): ParamsOf<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TrainParamsError('(root)', `must be an object of params, got ${JSON.stringify(raw)}`, file);
  }
  const input = raw as Record<string, unknown>;
  const profile = input.profile ?? 'default';
  if (typeof profile !== 'string' || !(PROFILES as readonly string[]).includes(profile)) {
    throw new TrainParamsError('profile', `must be one of ${PROFILES.join(', ')}, got ${JSON.stringify(profile)}`, file);
  }
  const out = defaultsFor(schema, profile as Profile) as Record<string, unknown>;
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(input)) {
    if (key === 'profile') continue;
    const field = schema[key];
    if (field === undefined) {
      const hint = closest(key, known);
      throw new TrainParamsError(
        key,
        `is not a param of this stage${hint === undefined ? '' : ` (did you mean \`${hint}\`?)`}; known: ${known.join(', ')}`,
        file,
      );
    }
    out[key] = checkField(key, field, value, file);
  }
  return out as ParamsOf<S>;
}

/** A markdown table of the schema: field, meaning, default per profile. */
export function describeSchema(schema: Schema): string {
  const lines = ['| param | meaning | smoke | default | paper |', '|---|---|---|---|---|'];
  for (const [key, f] of Object.entries(schema)) {
    const show = (p: Profile): string => JSON.stringify(f.defaults[p]);
    lines.push(`| ${key} | ${f.description} | ${show('smoke')} | ${show('default')} | ${show('paper')} |`);
  }
  return lines.join('\n');
}
