// Params whose defaults depend on a profile (the training stages):
//   smoke   -- seconds on a laptop; checks that the stage runs end to end.
//   default -- sized for the project's 2-core CPU machines.
//   paper   -- the paper's settings; meant for a GPU.
// Each field has a schema, a description and a default per profile; a params
// object sets `profile` (default "default") and overrides any field.
import { z } from 'zod';
import { ParamsError, type ParamsSource } from './errors.ts';
import { choice, parseParams, showValue } from './schema.ts';

export const PROFILES = ['smoke', 'default', 'paper'] as const;
export type Profile = (typeof PROFILES)[number];

export interface Field<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly description: string;
  readonly defaults: Readonly<Record<Profile, z.output<S>>>;
}
export type Fields = Readonly<Record<string, Field>>;

/** The typed params of a set of fields, as resolved: every field, and the profile. */
export type ParamsOf<F extends Fields> = { -readonly [K in keyof F]: z.output<F[K]['schema']> } & { profile: Profile };

/** A field with its schema, description and defaults. */
export function field<S extends z.ZodType>(schema: S, description: string, defaults: Readonly<Record<Profile, z.output<S>>>): Field<S> {
  return { schema, description, defaults };
}

/** The same default in every profile. */
export function all<const T>(value: T): Record<Profile, T> {
  return { smoke: value, default: value, paper: value };
}

const PROFILE_DESCRIPTION =
  'which defaults fill the params not given: `smoke` (seconds; checks that the stage runs end to end), `default` (sized for 2-core CPU machines) or `paper` (the paper\'s settings, for a GPU)';

/** Defaults of one profile, `profile` first. */
export function defaultsFor<F extends Fields>(fields: F, profile: Profile): ParamsOf<F> {
  const out: Record<string, unknown> = { profile };
  for (const [key, f] of Object.entries(fields)) out[key] = structuredClone(f.defaults[profile]);
  return out as ParamsOf<F>;
}

const bySchema = new WeakMap<Fields, Map<Profile, z.ZodType>>();

/** The strict schema of the fields with the defaults of one profile (`profile` first, then the fields in order). */
export function profileSchema(fields: Fields, profile: Profile): z.ZodType {
  let cache = bySchema.get(fields);
  if (cache === undefined) bySchema.set(fields, (cache = new Map()));
  let schema = cache.get(profile);
  if (schema === undefined) {
    const shape: Record<string, z.ZodType> = { profile: choice(PROFILES).default(profile) };
    for (const [key, f] of Object.entries(fields)) {
      const value = f.defaults[profile];
      shape[key] = (f.schema as z.ZodType<unknown>).default(() => structuredClone(value));
    }
    schema = z.strictObject(shape);
    cache.set(profile, schema);
  }
  return schema;
}

/**
 * Checks raw params (parsed JSON/YAML) against the fields and fills in the
 * defaults of the chosen profile. Unknown keys are refused, with the closest
 * known key suggested; every problem is listed.
 */
export function resolveProfiled<F extends Fields>(fields: F, raw: unknown, source: ParamsSource = {}): ParamsOf<F> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ParamsError({ field: '', problem: `must be a mapping of params, got ${showValue(raw)}` }, source);
  }
  const given = (raw as Record<string, unknown>).profile;
  const profile: Profile = (PROFILES as readonly unknown[]).includes(given) ? (given as Profile) : 'default';
  return parseParams(profileSchema(fields, profile), raw, source) as ParamsOf<F>;
}

function defaultsNote(f: Field): string {
  const shown = PROFILES.map((p) => JSON.stringify(f.defaults[p]));
  if (shown.every((s) => s === shown[0])) return '';
  return ` (per profile: ${PROFILES.map((p, i) => `${p} ${shown[i]}`).join(', ')})`;
}

/** The schema an editor sees: the `default` profile's defaults, each description noting the other profiles' defaults. */
export function documentedProfileSchema(fields: Fields): z.ZodObject {
  const shape: Record<string, z.ZodType> = { profile: choice(PROFILES).default('default').describe(PROFILE_DESCRIPTION) };
  for (const [key, f] of Object.entries(fields)) {
    shape[key] = (f.schema as z.ZodType<unknown>).default(f.defaults.default).describe(f.description + defaultsNote(f));
  }
  return z.strictObject(shape);
}

/** A markdown table of the fields: param, meaning, default per profile. */
export function describeFields(fields: Fields): string {
  const lines = ['| param | meaning | smoke | default | paper |', '|---|---|---|---|---|'];
  for (const [key, f] of Object.entries(fields)) {
    const show = (p: Profile): string => JSON.stringify(f.defaults[p]);
    lines.push(`| ${key} | ${f.description} | ${show('smoke')} | ${show('default')} | ${show('paper')} |`);
  }
  return lines.join('\n');
}
