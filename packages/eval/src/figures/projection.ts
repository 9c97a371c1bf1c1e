import { EvalInputError } from '../errors.ts';
import { checkRows } from '../metrics/vectors.ts';

/**
 * Hammer (equal-area) projection of unit vectors in R^3: longitude
 * atan2(y, x), latitude asin(z). Equal area keeps the density of points
 * honest, which a plain longitude/latitude plot does not near the poles.
 */
export function hammerProjection(points: Float32Array): Float32Array {
  checkRows(points, 3, 'hammerProjection');
  const n = points.length / 3;
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
    const r = Math.hypot(x, y, z) || 1;
    const lon = Math.atan2(y, x);
    const lat = Math.asin(Math.max(-1, Math.min(1, z / r)));
    const d = Math.sqrt(1 + Math.cos(lat) * Math.cos(lon / 2));
    out[2 * i] = (2 * Math.SQRT2 * Math.cos(lat) * Math.sin(lon / 2)) / d;
    out[2 * i + 1] = (Math.SQRT2 * Math.sin(lat)) / d;
  }
  return out;
}

/**
 * Projection onto the two leading principal components (power iteration with
 * deflation on the covariance; deterministic start vectors). Returns the
 * coordinates and the fraction of variance the two components explain.
 */
export function principalComponents2(points: Float32Array, dim: number): { coords: Float32Array; explained: number } {
  const n = checkRows(points, dim, 'principalComponents2');
  if (n < 2) throw new EvalInputError('principalComponents2 needs at least two points');
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += points[i * dim + k] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = points[i * dim + a] - mean[a];
      for (let b = a; b < dim; b++) cov[a * dim + b] += (da * (points[i * dim + b] - mean[b])) / (n - 1);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];
  let total = 0;
  for (let a = 0; a < dim; a++) total += cov[a * dim + a];
  const components: Float64Array[] = [];
  let explained = 0;
  for (let c = 0; c < Math.min(2, dim); c++) {
    let v = Float64Array.from({ length: dim }, (_, k) => 1 + 0.1 * k * (c + 1));
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a * dim + b] * v[b];
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = Math.hypot(...next.map((x, k) => x - v[k]));
      v = next;
      lambda = norm;
      if (change < 1e-12) break;
    }
    components.push(v);
    explained += lambda;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b] -= lambda * v[a] * v[b];
  }
  if (components.length < 2) components.push(new Float64Array(dim));
  const coords = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (points[i * dim + k] - mean[k]) * components[c][k];
      coords[2 * i + c] = s;
    }
  }
  return { coords, explained: total > 0 ? Math.min(1, explained / total) : 0 };
}
