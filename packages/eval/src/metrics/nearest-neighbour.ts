import { EvalInputError } from '../errors.ts';
import type { LabelArray } from './accuracy.ts';
import { checkRows, normaliseRows } from './vectors.ts';

export type NeighbourMetric = 'cosine' | 'euclidean';

export interface NearestNeighbourResult {
  /** Fraction of items whose nearest other item carries the same label. */
  accuracy: number;
  correct: number;
  count: number;
  /** Accuracy of always answering the most frequent label (what 1-NN must beat). */
  majorityBaseline: number;
}

/**
 * Leave-one-out 1-nearest-neighbour accuracy: each item is classified by the
 * label of its nearest other item. Ties go to the lower index, so the result
 * is deterministic. O(n^2 dim): meant for a few thousand items.
 */
export function leaveOneOutNearestNeighbour(
  vectors: Float32Array,
  dim: number,
  labels: LabelArray,
  metric: NeighbourMetric = 'cosine',
): NearestNeighbourResult {
  const n = checkRows(vectors, dim, 'leaveOneOutNearestNeighbour');
  if (labels.length !== n) throw new EvalInputError(`leaveOneOutNearestNeighbour: ${n} vectors against ${labels.length} labels`);
  if (n < 2) throw new EvalInputError('leaveOneOutNearestNeighbour needs at least two items');
  const x = metric === 'cosine' ? normaliseRows(vectors, dim) : vectors;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestScore = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let score = 0;
      if (metric === 'cosine') {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += x[i * dim + k] * x[j * dim + k];
        score = -dot;
      } else {
        for (let k = 0; k < dim; k++) score += (x[i * dim + k] - x[j * dim + k]) ** 2;
      }
      if (score < bestScore) {
        bestScore = score;
        best = j;
      }
    }
    if (labels[best] === labels[i]) correct++;
  }
  const freq = new Map<number, number>();
  for (let i = 0; i < n; i++) freq.set(labels[i], (freq.get(labels[i]) ?? 0) + 1);
  return { accuracy: correct / n, correct, count: n, majorityBaseline: Math.max(...freq.values()) / n };
}
