// The params of the data stage: one schema with defaults (the shared params
// schema of @sgvae/contracts/params), checked at the boundary. A params file
// holds exactly this object (YAML or JSON); missing keys take the defaults
// below, unknown keys and wrong types are errors naming the field and the
// file. Validation builds a fresh object in a fixed key order (the schema's),
// so the params echoed into manifests are byte-stable.

import { type DataParams, type EvalSetParams, MAX_SUPERSAMPLE, type RotationSpec, type SetSource, type SubsetParams } from '@sgvae/contracts';
import { choice, number, type ParamsSource, parseParams, showValue, strict, z } from '@sgvae/contracts/params';
import { readParamsFileSync } from '@sgvae/contracts/params/read-file';

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

const ANGLE = number({ min: -3600, max: 3600 });
const angle = (fallback: number, description: string) => ANGLE.default(fallback).describe(description);

/** `max` must lie above `min` (checked once both are numbers). */
function maxAboveMin(r: { min: number; max: number }, ctx: z.RefinementCtx): void {
  if (!(r.max > r.min)) ctx.addIssue({ code: 'custom', path: ['max'], message: `must be greater than min (${r.min}), got ${r.max}` });
}

const ROTATION_SCHEMA = z
  .discriminatedUnion('kind', [
    strict({ kind: z.literal('none').describe('upright: every angle is 0') }),
    strict({
      kind: z.literal('uniform').describe('one angle per image, uniform in [min, max)'),
      min: angle(-180, 'lowest angle, degrees'),
      max: angle(180, 'angles stay below this, degrees'),
    }).superRefine(maxAboveMin),
    strict({
      kind: z.literal('grid').describe('every image at every angle min, min + step, ... < max (image-major)'),
      step: number({ above: 0, max: 360 }).default(10).describe('degrees between grid angles'),
      min: angle(-180, 'first angle, degrees'),
      max: angle(180, 'angles stay below this, degrees'),
    }).superRefine((r, ctx) => {
      maxAboveMin(r, ctx);
      if (r.max > r.min && (r.max - r.min) / r.step > MAX_GRID_ANGLES) {
        ctx.addIssue({ code: 'custom', path: ['step'], message: `gives more than ${MAX_GRID_ANGLES} angles between ${r.min} and ${r.max}` });
      }
    }),
    strict({
      kind: z.literal('choice').describe('one angle per image, drawn uniformly from a list (e.g. [0, 90, 180, 270] for exact turns)'),
      angles: z.array(ANGLE).min(1, { error: 'must be a non-empty list of degrees, got an empty list' }).describe('the angles to draw from, degrees'),
    }),
  ])
  .describe('how the set\'s images are turned: `kind` none, uniform, grid or choice');

const DIGITS_SCHEMA = z
  .array(number({ integer: true, min: 0, max: 9 }), { error: (i) => `must be a non-empty list of classes 0..9 or null, got ${showValue(i.input)}` })
  .min(1, { error: 'must be a non-empty list of classes 0..9 or null, got an empty list' })
  .superRefine((digits, ctx) => {
    if (new Set(digits).size !== digits.length) ctx.addIssue({ code: 'custom', message: `lists a class twice: [${digits.join(', ')}]` });
  });

const SET_FIELDS = strict({
  source: choice(['test', 'heldout']).default(DEFAULT_SET.source).describe('where the digits come from: the MNIST test digits, or the training digits held out of the subset'),
  count: number({ integer: true, min: 1, max: 10_000_000 }).nullable().default(DEFAULT_SET.count).describe('how many source digits to draw (stratified by class); null: all of them'),
  digits: DIGITS_SCHEMA.nullable().default(null).describe('keep only these classes; null: all ten'),
  rotation: ROTATION_SCHEMA.default(() => structuredClone(DEFAULT_SET.rotation) as never),
});

/** A set's params; null takes every default. */
const SET_SCHEMA = SET_FIELDS.nullable().transform((set) => set ?? SET_FIELDS.parse({}));

const SETS_SCHEMA = z
  .record(z.string(), SET_SCHEMA)
  .nullable()
  .transform((sets) => sets ?? {})
  .superRefine((sets, ctx) => {
    for (const name of Object.keys(sets)) {
      if (!SET_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid set name: use lower-case letters, digits, - and _ (it becomes a folder name)' });
      } else if ((RESERVED_SET_NAMES as readonly string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `clashes with the always-built upright set "${name}"; pick another name` });
      }
    }
  });

const SUBSET_SCHEMA = strict({
  total: number({ integer: true, min: 1, max: 60_000 }).default(DEFAULT_SUBSET.total).describe('images drawn from the 60,000 MNIST training digits, stratified by class'),
  testFraction: number({ above: 0, below: 1 }).default(DEFAULT_SUBSET.testFraction).describe('share of the subset held out as the upright `test` set (the paper: 1/7)'),
});

/** The schema of the data stage's params (JSON schema: `npm run params:schema`). */
export const DATA_PARAMS_SCHEMA = strict({
  seed: number({ integer: true, min: 0, max: 0xffffffff }).default(DEFAULT_PARAMS.seed).describe('master seed (uint32); each random choice uses a stream derived from it by name'),
  size: number({ integer: true, min: 28, max: 256 }).default(DEFAULT_PARAMS.size).describe('side of the padded square images; 4k + 1 (29, 33) suits odd kernels with stride 2'),
  subset: SUBSET_SCHEMA.nullable()
    .default(() => ({ ...DEFAULT_SUBSET }))
    .describe('the paper\'s stratified subset of the training digits, or null for all 60,000 (then `test` is MNIST test)'),
  validationFraction: number({ min: 0, below: 1 }).default(DEFAULT_PARAMS.validationFraction).describe('share of the training part moved to `val`, stratified'),
  supersample: number({ integer: true, min: 1, max: MAX_SUPERSAMPLE })
    .default(DEFAULT_PARAMS.supersample)
    .describe('sub-samples per axis when rotating by a non-multiple of 90 degrees'),
  sets: SETS_SCHEMA.default(() => structuredClone(DEFAULT_PARAMS.sets) as never).describe(
    'extra evaluation sets by name (a folder name; not train, val or test, which are always built); null: none',
  ),
});

/**
 * Validates a params object (already parsed from YAML/JSON) and fills in
 * defaults. `source` names the file (and section) in error messages; a string
 * is the file. `null`/`undefined` mean "all defaults" (an empty YAML file
 * parses to null).
 */
export function parseDataParams(input: unknown, source?: string | ParamsSource): DataParams {
  const where = typeof source === 'string' ? { file: source } : source;
  const params: DataParams = parseParams(DATA_PARAMS_SCHEMA, input ?? {}, where);
  return params;
}

/**
 * Reads a params file (.yaml, .yml or .json) holding exactly the data stage's
 * params. `flag` names the command-line flag the file came from in errors.
 */
export function loadDataParams(file: string, flag?: string): DataParams {
  return parseDataParams(readParamsFileSync(file, flag), file);
}

/** The angles of a grid rotation, in order. */
export function gridAngles(spec: Extract<RotationSpec, { kind: 'grid' }>): number[] {
  const angles: number[] = [];
  // Multiplying (not accumulating) keeps e.g. -180 + 9 * 10 exactly -90, so
  // grid points on multiples of 90 degrees take the exact permutation path.
  for (let k = 0; spec.min + k * spec.step < spec.max; k++) angles.push(spec.min + k * spec.step);
  return angles;
}
