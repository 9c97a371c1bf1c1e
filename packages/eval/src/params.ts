// The eval stage's params: one typed schema with defaults, validated where
// the CLI reads the file. Unknown keys are refused so that a typo in
// pipelines/*.yaml fails loudly instead of silently using a default.
import { EvalParamsError } from './errors.ts';

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

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `raw` (the parsed --params file) over the defaults and checks every
 * value. Throws an EvalParamsError listing every problem at once.
 */
export function parseEvalParams(raw: Json, source = 'params'): EvalParams {
  const problems: string[] = [];
  const merged = merge(DEFAULT_EVAL_PARAMS as unknown as Record<string, Json>, raw ?? {}, source, problems) as unknown as EvalParams;
  const p = merged;
  const int = (v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`${source}.${path} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  };
  const intOrNull = (v: unknown, path: string) => {
    if (v !== null) int(v, path, 1);
  };
  const num = (v: unknown, path: string, lo: number, hi: number, openLo = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (openLo ? v <= lo : v < lo) || v > hi) {
      problems.push(`${source}.${path} must be a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${JSON.stringify(v)}`);
    }
  };
  const str = (v: unknown, path: string) => {
    if (typeof v !== 'string' || v === '' || /[\\/]/.test(v)) problems.push(`${source}.${path} must be a folder name (no slashes), got ${JSON.stringify(v)}`);
  };
  if (problems.length === 0) {
    int(p.seed, 'seed', 0, 2 ** 32 - 1);
    str(p.datasets.upright, 'datasets.upright');
    str(p.datasets.rotated, 'datasets.rotated');
    str(p.datasets.grid, 'datasets.grid');
    if (p.datasets.sixNine !== null) str(p.datasets.sixNine, 'datasets.sixNine');
    if (p.datasets.reference !== null) str(p.datasets.reference, 'datasets.reference');
    intOrNull(p.limits.reference, 'limits.reference');
    int(p.knn.k, 'knn.k', 1, 1000);
    intOrNull(p.limits.upright, 'limits.upright');
    intOrNull(p.limits.rotated, 'limits.rotated');
    intOrNull(p.limits.gridDigits, 'limits.gridDigits');
    intOrNull(p.limits.sixNine, 'limits.sixNine');
    intOrNull(p.limits.pose, 'limits.pose');
    int(p.limits.latentPoints, 'limits.latentPoints', 10);
    int(p.batchSize, 'batchSize', 1, 100_000);
    num(p.confidenceLevel, 'confidenceLevel', 0.5, 0.999);
    if (p.bootstrapResamples !== 0) int(p.bootstrapResamples, 'bootstrapResamples', 10, 1_000_000);
    if (p.neighbourMetric !== 'cosine' && p.neighbourMetric !== 'euclidean') {
      problems.push(`${source}.neighbourMetric must be "cosine" or "euclidean", got ${JSON.stringify(p.neighbourMetric)}`);
    }
    num(p.pose.coarseStepDeg, 'pose.coarseStepDeg', 0, 90, true);
    num(p.pose.refineStepDeg, 'pose.refineStepDeg', 0, p.pose.coarseStepDeg, true);
    num(p.pose.toleranceDeg, 'pose.toleranceDeg', 0, 180, true);
    int(p.figures.pixelScale, 'figures.pixelScale', 1, 16);
    int(p.figures.sixNineColumns, 'figures.sixNineColumns', 1, 32);
    int(p.sweep.paperValidationSize, 'sweep.paperValidationSize', 1);
  }
  if (problems.length > 0) throw new EvalParamsError(`invalid eval params:\n  - ${problems.join('\n  - ')}`);
  return merged;
}

function merge(defaults: Record<string, Json>, raw: Json, path: string, problems: string[]): Record<string, Json> {
  if (!isObject(raw)) {
    problems.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
    return defaults;
  }
  const out: Record<string, Json> = { ...defaults };
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in defaults)) {
      problems.push(`${path}.${key} is not an eval param; known keys: ${Object.keys(defaults).join(', ')}`);
      continue;
    }
    const d = defaults[key];
    out[key] = isObject(d) ? merge(d, value, `${path}.${key}`, problems) : value;
  }
  return out;
}
