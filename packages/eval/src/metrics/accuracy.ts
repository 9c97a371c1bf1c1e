import { EvalInputError } from '../errors.ts';
import { mulberry32 } from '@sgvae/contracts/seeds';

export type LabelArray = Uint8Array | Int32Array | Uint16Array | readonly number[];

export interface Interval {
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

export interface AccuracyEstimate {
  /** Fraction of correct predictions, in [0, 1]. */
  accuracy: number;
  correct: number;
  count: number;
  wilson: Interval;
  /** Percentile bootstrap interval; present when requested. */
  bootstrap?: Interval;
}

function checkSameLength(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) {
    throw new EvalInputError(`${what}: ${a.length} predictions against ${b.length} labels; pass one label per prediction`);
  }
}

/** 0/1 per item: whether the prediction equals the label. */
export function correctMask(predictions: LabelArray, labels: LabelArray): Uint8Array {
  checkSameLength(predictions, labels, 'correctMask');
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = predictions[i] === labels[i] ? 1 : 0;
  return out;
}

/**
 * The standard-normal quantile for a two-sided level, e.g. 0.95 -> 1.959964.
 * Acklam's rational approximation, relative error below 1.2e-9: far below
 * anything an interval of a few thousand items can resolve.
 */
export function normalQuantileTwoSided(level: number): number {
  if (!(level > 0 && level < 1)) throw new EvalInputError(`confidence level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < pLow ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927). Unlike the
 * normal (Wald) interval it stays inside [0, 1] and is not degenerate at 0 or n
 * successes, which matters for per-digit subsets of a few hundred images.
 */
export function wilsonInterval(successes: number, count: number, level = 0.95): Interval {
  if (!Number.isInteger(successes) || !Number.isInteger(count) || count <= 0 || successes < 0 || successes > count) {
    throw new EvalInputError(`wilsonInterval needs integers 0 <= successes <= count and count > 0, got ${successes}/${count}`);
  }
  const z = normalQuantileTwoSided(level);
  const n = count;
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // At 0 or n successes the bound is exactly 0 or 1; rounding must not move it inside.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === count ? 1 : Math.min(1, centre + half);
  return { lower, upper, level };
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

/**
 * Percentile bootstrap interval of the mean of a 0/1 vector, resampling items
 * with replacement from a seeded generator.
 */
export function bootstrapMeanInterval(values: Uint8Array | Float32Array | Float64Array, options: BootstrapOptions = {}): Interval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const n = values.length;
  if (n === 0) throw new EvalInputError('bootstrapMeanInterval needs at least one value');
  if (!Number.isInteger(resamples) || resamples < 10) throw new EvalInputError(`resamples must be an integer >= 10, got ${resamples}`);
  const random = mulberry32(options.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { lower: quantileSorted(means, tail), upper: quantileSorted(means, 1 - tail), level };
}

/** Linear-interpolated quantile (type 7) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Accuracy with its Wilson interval and, if `bootstrap` is given, a bootstrap interval. */
export function accuracyWithInterval(
  predictions: LabelArray,
  labels: LabelArray,
  options: { level?: number; bootstrap?: BootstrapOptions | false } = {},
): AccuracyEstimate {
  const mask = correctMask(predictions, labels);
  if (mask.length === 0) throw new EvalInputError('accuracy of an empty set is undefined; check the dataset filter');
  let correct = 0;
  for (let i = 0; i < mask.length; i++) correct += mask[i];
  const level = options.level ?? 0.95;
  const estimate: AccuracyEstimate = {
    accuracy: correct / mask.length,
    correct,
    count: mask.length,
    wilson: wilsonInterval(correct, mask.length, level),
  };
  if (options.bootstrap) estimate.bootstrap = bootstrapMeanInterval(mask, { level, ...options.bootstrap });
  return estimate;
}
