import { describe, expect, it } from 'vitest';
import { accuracyCurve, cosineCurve, curveSummary, reconstructionErrorCurve } from './invariance.ts';
import { cosineSimilarity } from './vectors.ts';

const angles = [0, 90, 180, 270];

describe('invariance curves', () => {
  it('is 1 at every angle for an invariant embedding', () => {
    const refs = Float32Array.from([1, 0, 0, 0, 0.6, 0.8]);
    const vectors = new Float32Array(2 * 4 * 3);
    for (let d = 0; d < 2; d++) for (let a = 0; a < 4; a++) vectors.set(refs.subarray(d * 3, d * 3 + 3), (d * 4 + a) * 3);
    const c = cosineCurve(vectors, refs, 3, { angles, digits: 2 });
    expect(c.mean).toEqual([1, 1, 1, 1]);
    expect(c.std).toEqual([0, 0, 0, 0]);
    expect(curveSummary(c)).toBe(1);
  });

  it('follows an embedding that turns with the input', () => {
    // A 2-D embedding rotating with the input: cos(mu(theta), mu(0)) = cos(theta).
    const refs = Float32Array.from([1, 0]);
    const vectors = Float32Array.from(angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
    const c = cosineCurve(vectors, refs, 2, { angles, digits: 1 });
    expect(c.mean[0]).toBeCloseTo(1, 6);
    expect(c.mean[1]).toBeCloseTo(0, 6);
    expect(c.mean[2]).toBeCloseTo(-1, 6);
    expect(curveSummary(c)).toBeCloseTo(-1 / 3, 6);
    expect(curveSummary(c, [])).toBeCloseTo(0, 6);
  });

  it('measures reconstruction error against the reference image', () => {
    const refs = Float32Array.from([0, 1]);
    const recon = Float32Array.from([0, 1, 1, 1, 1, 0, 0, 0]);
    const c = reconstructionErrorCurve(recon, refs, 2, { angles, digits: 1 });
    expect(c.mean).toEqual([0, 0.5, 1, 0.5]);
  });

  it('counts correct predictions per angle', () => {
    const c = accuracyCurve([3, 3, 5, 5, 7, 1, 7, 7], [3, 7], { angles, digits: 2 });
    expect(c.mean).toEqual([1, 0.5, 0.5, 0.5]);
  });

  it('refuses a grid of the wrong size', () => {
    expect(() => cosineCurve(new Float32Array(9), new Float32Array(3), 3, { angles, digits: 1 })).toThrow(/1 digits x 4 angles/);
  });

  it('clamps cosine into [-1, 1]', () => {
    expect(cosineSimilarity([1e-20, 0], [1, 0])).toBeLessThanOrEqual(1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
});
