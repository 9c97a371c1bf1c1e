import { describe, expect, it } from 'vitest';
import { principalComponents2 } from '@sgvae/eval';
import { cosine, orthographic, pca2, projectPca } from './latent.ts';

describe('latent helpers', () => {
  it('cosine', () => {
    expect(cosine([1, 0, 0], [0, 2, 0])).toBe(0);
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });

  it('pca2 spans the same plane as the report\'s projection', () => {
    const dim = 5;
    const n = 60;
    const pts = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const t = i / n;
      const a = Math.cos(7 * t) * 3;
      const b = Math.sin(11 * t);
      for (let k = 0; k < dim; k++) pts[i * dim + k] = a * (k + 1) * 0.3 + b * (k % 2 ? 1 : -1) + 0.01 * Math.sin(i * k);
    }
    const p = pca2(pts, dim);
    const ref = principalComponents2(pts, dim);
    expect(p.explained).toBeCloseTo(ref.explained, 6);
    for (let i = 0; i < n; i++) {
      const [u, v] = projectPca(p, pts.subarray(i * dim, (i + 1) * dim));
      // Same coordinates up to the sign of each direction.
      expect(Math.abs(u)).toBeCloseTo(Math.abs(ref.coords[2 * i]!), 3);
      expect(Math.abs(v)).toBeCloseTo(Math.abs(ref.coords[2 * i + 1]!), 3);
    }
  });

  it('orthographic keeps unit vectors on the unit disc and shows the near side with positive depth', () => {
    const [x, y, z] = orthographic([0, 0, 1], 0, 0);
    expect([x, y, z]).toEqual([0, 0, 1]);
    const q = orthographic([0.6, 0.8, 0], 0.7, -0.4);
    expect(Math.hypot(...q)).toBeCloseTo(1, 12);
  });
});
