// The eval stage's params: one schema with defaults (the shared params schema
// of @sgvae/contracts/params), validated where the CLI reads the file. Unknown
// keys are refused so that a typo in pipelines/*.yaml fails loudly instead of
// silently using a default.
import { choice, number, type ParamsSource, parseParams, showValue, strict, z } from '@sgvae/contracts/params';

export interface EvalParams {
  /** Seed of the subset draws and the bootstrap. */
  seed: number;
  /** Names of the dataset folders under --data. */
  datasets: {
    /** Upright test digits. */
    upright: string;
    /** Test digits turned by angles uniform on the circle (angles.f32 holds them). */
    rotated: string;
    /** Test digits turned through a full circle in equal steps (layout: see run/datasets.ts). */
    grid: string;
    /** Rotated 6s and 9s for the 6-or-9 rows; null takes the 6s and 9s of `rotated`. */
    sixNine: string | null;
    /** Upright training digits, the labelled reference of the kNN-on-mu metric; null leaves the metric out. */
    reference: string | null;
  };
  /** Caps on how many items are used (null = all): keeps CPU runs short. */
  limits: {
    upright: number | null;
    rotated: number | null;
    gridDigits: number | null;
    sixNine: number | null;
    /** Rotated images whose pose is estimated, per model. */
    pose: number | null;
    /** Points per set in the latent-space figure. */
    latentPoints: number;
    /** Reference digits of the kNN-on-mu metric (a seeded subset of `datasets.reference`). */
    reference: number | null;
  };
  /** k of the kNN-on-mu metric: test digits are classified by the labels of their k nearest reference digits in mu. */
  knn: { k: number };
  batchSize: number;
  confidenceLevel: number;
  /** Resamples of the percentile bootstrap; 0 leaves the bootstrap out. */
  bootstrapResamples: number;
  neighbourMetric: 'cosine' | 'euclidean';
  pose: {
    coarseStepDeg: number;
    refineStepDeg: number;
    /** A pose estimate within this many degrees counts as recovered. */
    toleranceDeg: number;
  };
  figures: {
    /** Upscaling of digit pixels in image grids (nearest neighbour). */
    pixelScale: number;
    /** Columns of the 6-or-9 figure per digit. */
    sixNineColumns: number;
  };
  sweep: {
    /** Images the paper's validation sums run over (35,000 / 7 by the paper's setup). */
    paperValidationSize: number;
  };
}

export const DEFAULT_EVAL_PARAMS: EvalParams = {
  seed: 0,
  datasets: { upright: 'test', rotated: 'test-rotated', grid: 'test-rotation-grid', sixNine: 'test-69-rotated', reference: 'train' },
  limits: { upright: null, rotated: null, gridDigits: 100, sixNine: null, pose: 1000, latentPoints: 1000, reference: 5000 },
  knn: { k: 5 },
  batchSize: 250,
  confidenceLevel: 0.95,
  bootstrapResamples: 1000,
  neighbourMetric: 'cosine',
  pose: { coarseStepDeg: 2, refineStepDeg: 0.25, toleranceDeg: 10 },
  figures: { pixelScale: 3, sixNineColumns: 8 },
  sweep: { paperValidationSize: 5000 },
};

const FOLDER = z
  .string({ error: (i) => `must be a folder name (no slashes), got ${showValue(i.input)}` })
  .regex(/^[^\\/]+$/, { error: (i) => `must be a folder name (no slashes), got ${showValue(i.input)}` });
/** A cap on how many items are used: a count >= 1, or null for all. */
const CAP = number({ integer: true, min: 1, max: Number.MAX_SAFE_INTEGER }).nullable();

const D = DEFAULT_EVAL_PARAMS;
const RESAMPLES_ERROR = (i: { input?: unknown }): string => `must be 0 (no bootstrap) or an integer in [10, 1000000], got ${showValue(i.input)}`;

/** The schema of the eval stage's params (JSON schema: `npm run params:schema`). */
export const EVAL_PARAMS_SCHEMA = strict({
  seed: number({ integer: true, min: 0, max: 2 ** 32 - 1 }).default(D.seed).describe('seed of the subset draws and the bootstrap'),
  datasets: strict({
    upright: FOLDER.default(D.datasets.upright).describe('upright test digits'),
    rotated: FOLDER.default(D.datasets.rotated).describe('test digits turned by angles uniform on the circle (angles.f32 holds them)'),
    grid: FOLDER.default(D.datasets.grid).describe('test digits turned through a full circle in equal steps'),
    sixNine: FOLDER.nullable().default(D.datasets.sixNine).describe('rotated 6s and 9s for the 6-or-9 rows; null takes the 6s and 9s of `rotated`'),
    reference: FOLDER.nullable()
      .default(D.datasets.reference)
      .describe('upright training digits, the labelled reference of the kNN-on-mu metric; null leaves the metric out'),
  })
    .prefault({})
    .describe('names of the dataset folders under --data'),
  limits: strict({
    upright: CAP.default(D.limits.upright).describe('upright test digits used (null: all)'),
    rotated: CAP.default(D.limits.rotated).describe('rotated test digits used (null: all)'),
    gridDigits: CAP.default(D.limits.gridDigits).describe('digits of the rotation grid used (null: all)'),
    sixNine: CAP.default(D.limits.sixNine).describe('6s and 9s used (null: all)'),
    pose: CAP.default(D.limits.pose).describe('rotated images whose pose is estimated, per model (null: all)'),
    latentPoints: number({ integer: true, min: 10, max: Number.MAX_SAFE_INTEGER }).default(D.limits.latentPoints).describe('points per set in the latent-space figure'),
    reference: CAP.default(D.limits.reference).describe('reference digits of the kNN-on-mu metric, a seeded subset of `datasets.reference` (null: all)'),
  })
    .prefault({})
    .describe('caps on how many items are used (null: all); keeps CPU runs short'),
  knn: strict({
    k: number({ integer: true, min: 1, max: 1000 }).default(D.knn.k).describe('test digits are classified by the labels of their k nearest reference digits in mu'),
  })
    .prefault({})
    .describe('the kNN-on-mu metric'),
  batchSize: number({ integer: true, min: 1, max: 100_000 }).default(D.batchSize).describe('images per forward pass'),
  confidenceLevel: number({ min: 0.5, max: 0.999 }).default(D.confidenceLevel).describe('level of the bootstrap confidence intervals'),
  bootstrapResamples: z
    .union(
      [
        z.literal(0, { error: RESAMPLES_ERROR }),
        z.number({ error: RESAMPLES_ERROR }).int({ error: RESAMPLES_ERROR }).min(10, { error: RESAMPLES_ERROR }).max(1_000_000, { error: RESAMPLES_ERROR }),
      ],
      { error: RESAMPLES_ERROR },
    )
    .default(D.bootstrapResamples)
    .describe('resamples of the percentile bootstrap; 0 leaves the bootstrap out'),
  neighbourMetric: choice(['cosine', 'euclidean']).default(D.neighbourMetric).describe('distance of the nearest-neighbour metrics'),
  pose: strict({
    coarseStepDeg: number({ above: 0, max: 90 }).default(D.pose.coarseStepDeg).describe('step of the coarse pose search, degrees'),
    refineStepDeg: number({ above: 0, max: 90 }).default(D.pose.refineStepDeg).describe('step of the refining pose search, degrees (at most coarseStepDeg)'),
    toleranceDeg: number({ above: 0, max: 180 }).default(D.pose.toleranceDeg).describe('a pose estimate within this many degrees counts as recovered'),
  })
    .superRefine((pose, ctx) => {
      if (pose.refineStepDeg > pose.coarseStepDeg) {
        ctx.addIssue({ code: 'custom', path: ['refineStepDeg'], message: `must be a number in (0, ${pose.coarseStepDeg}] (at most coarseStepDeg), got ${pose.refineStepDeg}` });
      }
    })
    .prefault({})
    .describe('the pose search of the rotation-recovery metric'),
  figures: strict({
    pixelScale: number({ integer: true, min: 1, max: 16 }).default(D.figures.pixelScale).describe('upscaling of digit pixels in image grids (nearest neighbour)'),
    sixNineColumns: number({ integer: true, min: 1, max: 32 }).default(D.figures.sixNineColumns).describe('columns of the 6-or-9 figure per digit'),
  })
    .prefault({})
    .describe('figure layout'),
  sweep: strict({
    paperValidationSize: number({ integer: true, min: 1, max: Number.MAX_SAFE_INTEGER })
      .default(D.sweep.paperValidationSize)
      .describe('images the paper\'s validation sums run over (35,000 / 7 by the paper\'s setup)'),
  })
    .prefault({})
    .describe('the sweep report (Table 2)'),
});

/**
 * Validates `raw` (the parsed --params file, or its `eval` section) and fills
 * in the defaults. `source` names the file (and section) in messages; a string
 * is the file. Throws a ParamsError listing every problem at once; null means
 * all defaults.
 */
export function parseEvalParams(raw: unknown, source?: string | ParamsSource): EvalParams {
  const where = typeof source === 'string' ? { file: source } : source;
  const params: EvalParams = parseParams(EVAL_PARAMS_SCHEMA, raw ?? {}, where);
  return params;
}
