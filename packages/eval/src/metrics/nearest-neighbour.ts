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

/**
 * k-nearest-neighbour classification of `queries` against a labelled
 * `reference` set (e.g. mu of rotated test digits against mu of upright
 * training digits). Each query takes the most frequent label among its k
 * nearest references; a tie between labels goes to the label of the nearest
 * reference among the tied ones, and a tie in distance to the lower index,
 * so the result is deterministic. O(queries x references x dim).
 */
export function kNearestNeighbourLabels(
  reference: Float32Array,
  referenceLabels: LabelArray,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: NeighbourMetric = 'cosine',
): Uint8Array {
  const nRef = checkRows(reference, dim, 'kNearestNeighbourLabels reference');
  const nQ = checkRows(queries, dim, 'kNearestNeighbourLabels queries');
  if (referenceLabels.length !== nRef) throw new EvalInputError(`kNearestNeighbourLabels: ${nRef} reference vectors against ${referenceLabels.length} labels`);
  if (!Number.isInteger(k) || k < 1 || k > nRef) throw new EvalInputError(`kNearestNeighbourLabels: k must be an integer in [1, ${nRef}], got ${k}`);
  const ref = metric === 'cosine' ? normaliseRows(reference, dim) : reference;
  const q = metric === 'cosine' ? normaliseRows(queries, dim) : queries;
  const out = new Uint8Array(nQ);
  // The k best (score, index) pairs, kept sorted: lower score is nearer.
  const bestScore = new Float64Array(k);
  const bestIndex = new Int32Array(k);
  for (let i = 0; i < nQ; i++) {
    bestScore.fill(Infinity);
    bestIndex.fill(-1);
    for (let j = 0; j < nRef; j++) {
      let score = 0;
      if (metric === 'cosine') {
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += q[i * dim + c] * ref[j * dim + c];
        score = -dot;
      } else {
        for (let c = 0; c < dim; c++) score += (q[i * dim + c] - ref[j * dim + c]) ** 2;
      }
      if (score >= bestScore[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bestScore[p - 1] > score) {
        bestScore[p] = bestScore[p - 1];
        bestIndex[p] = bestIndex[p - 1];
        p--;
      }
      bestScore[p] = score;
      bestIndex[p] = j;
    }
    const votes = new Map<number, number>();
    for (let p = 0; p < k; p++) votes.set(referenceLabels[bestIndex[p]], (votes.get(referenceLabels[bestIndex[p]]) ?? 0) + 1);
    const top = Math.max(...votes.values());
    // Neighbours are in order of distance: the first whose label has the top count wins.
    for (let p = 0; p < k; p++) {
      const label = referenceLabels[bestIndex[p]];
      if (votes.get(label) === top) {
        out[i] = label;
        break;
      }
    }
  }
  return out;
}
