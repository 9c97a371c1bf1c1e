// Latent-space helpers shared by the exporter (Node) and the page: cosine,
// the two-component PCA of the exported digits' mu, and the projections the
// page draws. Browser-safe.

/** cos(a, b) of two vectors of equal length; 0 when either is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine: vectors of ${a.length} and ${b.length} entries`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  const d = Math.sqrt(aa * bb);
  return d > 0 ? ab / d : 0;
}

export interface Pca2 {
  mean: number[];
  components: [number[], number[]];
  /** Fraction of the total variance along the two components. */
  explained: number;
}

/**
 * The two leading principal directions of `count` points of `dim` entries
 * (power iteration with deflation on the covariance, deterministic start
 * vectors, as the report's latent figure). Each direction's sign is fixed so
 * that its largest entry is positive.
 */
export function pca2(points: ArrayLike<number>, dim: number): Pca2 {
  const n = points.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`pca2 needs at least two points of ${dim} entries, got ${points.length} values`);
  const mean = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k]! += points[i * dim + k]! / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = points[i * dim + a]! - mean[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += (da * (points[i * dim + b]! - mean[b]!)) / (n - 1);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  let total = 0;
  for (let a = 0; a < dim; a++) total += cov[a * dim + a]!;
  const components: number[][] = [];
  let explained = 0;
  for (let c = 0; c < Math.min(2, dim); c++) {
    let v = Array.from({ length: dim }, (_, k) => 1 + 0.1 * k * (c + 1));
    let lambda = 0;
    for (let it = 0; it < 1000; it++) {
      const w = new Array<number>(dim).fill(0);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a]! += cov[a * dim + b]! * v[b]!;
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = Math.hypot(...next.map((x, k) => x - v[k]!));
      v = next;
      lambda = norm;
      if (change < 1e-12) break;
    }
    let big = 0;
    for (let k = 1; k < dim; k++) if (Math.abs(v[k]!) > Math.abs(v[big]!)) big = k;
    if (v[big]! < 0) v = v.map((x) => -x);
    components.push(v);
    explained += lambda;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b]! -= lambda * v[a]! * v[b]!;
  }
  while (components.length < 2) components.push(new Array<number>(dim).fill(0));
  return { mean, components: [components[0]!, components[1]!], explained: total > 0 ? Math.min(1, explained / total) : 0 };
}

/** Coordinates of `x` on the two PCA directions. */
export function projectPca(pca: Pick<Pca2, 'mean' | 'components'>, x: ArrayLike<number>): [number, number] {
  let u = 0;
  let v = 0;
  for (let k = 0; k < pca.mean.length; k++) {
    const d = x[k]! - pca.mean[k]!;
    u += d * pca.components[0][k]!;
    v += d * pca.components[1][k]!;
  }
  return [u, v];
}

/**
 * Orthographic view of a point on the unit sphere in R^3, the sphere turned by
 * `yaw` about the vertical axis and then tilted by `pitch` towards the viewer
 * (radians). Returns screen x (right), screen y (up) and depth (towards the
 * viewer: > 0 on the visible hemisphere).
 */
export function orthographic(p: ArrayLike<number>, yaw: number, pitch: number): [number, number, number] {
  const [x, y, z] = [p[0]!, p[1]!, p[2]!];
  // Turn about the y (up) axis, then about the x (right) axis.
  const x1 = x * Math.cos(yaw) + z * Math.sin(yaw);
  const z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
  const y2 = y * Math.cos(pitch) - z1 * Math.sin(pitch);
  const z2 = y * Math.sin(pitch) + z1 * Math.cos(pitch);
  return [x1, y2, z2];
}
