import { EvalInputError } from '../errors.ts';

/** Wraps an angle in degrees into [-180, 180). */
export function wrapDegrees(angle: number): number {
  return ((((angle + 180) % 360) + 360) % 360) - 180;
}

/** Smallest absolute difference between two angles in degrees, in [0, 180]. */
export function circularDistance(a: number, b: number): number {
  return Math.abs(wrapDegrees(a - b));
}

export interface CircularErrorSummary {
  /** Mean of the circular distances, degrees in [0, 180]. */
  meanAbsoluteError: number;
  medianAbsoluteError: number;
  /** Fraction of items within `tolerance` degrees. */
  withinTolerance: number;
  tolerance: number;
  count: number;
}

/** Circular mean absolute error: 350 against 10 degrees counts 20, not 340. */
export function circularMeanAbsoluteError(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  return summariseCircularError(predicted, truth).meanAbsoluteError;
}

export function summariseCircularError(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  tolerance = 10,
): CircularErrorSummary {
  if (predicted.length !== truth.length) {
    throw new EvalInputError(`circular error: ${predicted.length} estimates against ${truth.length} true angles`);
  }
  if (predicted.length === 0) throw new EvalInputError('circular error of no angles is undefined');
  const d = Float64Array.from({ length: predicted.length }, (_, i) => circularDistance(predicted[i], truth[i]));
  let s = 0;
  let within = 0;
  for (const v of d) {
    s += v;
    if (v <= tolerance) within++;
  }
  const sorted = Float64Array.from(d).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    meanAbsoluteError: s / d.length,
    medianAbsoluteError: median,
    withinTolerance: within / d.length,
    tolerance,
    count: d.length,
  };
}
