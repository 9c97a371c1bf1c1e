import { EvalInputError } from '../errors.ts';
import type { LabelArray } from './accuracy.ts';

/** Counts of (true label, predicted label) pairs; row = truth, column = prediction. */
export interface ConfusionMatrix {
  numClasses: number;
  /** Row-major numClasses x numClasses counts. */
  counts: Int32Array;
}

export function confusionMatrix(labels: LabelArray, predictions: LabelArray, numClasses: number): ConfusionMatrix {
  if (labels.length !== predictions.length) {
    throw new EvalInputError(`confusionMatrix: ${labels.length} labels against ${predictions.length} predictions`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new EvalInputError(`numClasses must be a positive integer, got ${numClasses}`);
  const counts = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predictions[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new EvalInputError(`confusionMatrix: item ${i} has label ${t} and prediction ${p}, outside 0..${numClasses - 1}`);
    }
    counts[t * numClasses + p]++;
  }
  return { numClasses, counts };
}

/** One row (true class) of the matrix as plain numbers. */
export function confusionRow(matrix: ConfusionMatrix, trueClass: number): number[] {
  const n = matrix.numClasses;
  return Array.from(matrix.counts.subarray(trueClass * n, (trueClass + 1) * n));
}

/** Fraction of items of `trueClass` predicted as each class (0 for an empty row). */
export function confusionRowRates(matrix: ConfusionMatrix, trueClass: number): number[] {
  const row = confusionRow(matrix, trueClass);
  const total = row.reduce((s, v) => s + v, 0);
  return row.map((v) => (total === 0 ? 0 : v / total));
}
