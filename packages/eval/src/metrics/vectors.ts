import { EvalInputError } from '../errors.ts';

/** Cosine similarity of two vectors; 0 when either has zero norm. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new EvalInputError(`cosineSimilarity: lengths ${a.length} and ${b.length} differ`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 0;
  // Rounding can push |dot| a hair past the product of norms.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

/** Row i of a row-major matrix with `dim` columns. */
export function row(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, (i + 1) * dim);
}

export function checkRows(matrix: Float32Array, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim < 1 || matrix.length % dim !== 0) {
    throw new EvalInputError(`${what}: ${matrix.length} values do not split into rows of ${dim}`);
  }
  return matrix.length / dim;
}

/** Copy with every row scaled to unit length (zero rows stay zero). */
export function normaliseRows(matrix: Float32Array, dim: number): Float32Array {
  const n = checkRows(matrix, dim, 'normaliseRows');
  const out = new Float32Array(matrix.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += matrix[i * dim + k] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < dim; k++) out[i * dim + k] = matrix[i * dim + k] * inv;
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new EvalInputError('mean of no values is undefined');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Mean squared difference of two equally long images (or any vectors). */
export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new EvalInputError(`meanSquaredError: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}
