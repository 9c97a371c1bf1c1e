import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@sgvae/contracts';
import { kNearestNeighbourLabels, leaveOneOutNearestNeighbour } from './nearest-neighbour.ts';

function clusters(separation: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const random = mulberry32(seed);
  const n = 60;
  const x = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    labels[i] = cls === 0 ? 6 : 9;
    const centre = cls === 0 ? [1, 0, 0] : [Math.cos(separation), Math.sin(separation), 0];
    for (let k = 0; k < 3; k++) x[i * 3 + k] = centre[k] + 0.05 * (random() - 0.5);
  }
  return { x, labels };
}

describe('leave-one-out nearest neighbour', () => {
  it('is 1 on well separated clusters, by cosine and by distance', () => {
    const { x, labels } = clusters(Math.PI / 2, 1);
    expect(leaveOneOutNearestNeighbour(x, 3, labels, 'cosine').accuracy).toBe(1);
    expect(leaveOneOutNearestNeighbour(x, 3, labels, 'euclidean').accuracy).toBe(1);
    expect(leaveOneOutNearestNeighbour(x, 3, labels).majorityBaseline).toBe(0.5);
  });

  it('falls to chance when the clusters coincide', () => {
    const { x, labels } = clusters(0, 2);
    const r = leaveOneOutNearestNeighbour(x, 3, labels);
    expect(r.accuracy).toBeGreaterThan(0.2);
    expect(r.accuracy).toBeLessThan(0.8);
  });

  it('never counts an item as its own neighbour', () => {
    // Two labels, each point alone: its nearest other point has the other label.
    const x = Float32Array.from([1, 0, 0.99, 0.14]);
    expect(leaveOneOutNearestNeighbour(x, 2, [0, 1]).accuracy).toBe(0);
  });
});

/** Brute force: sort every reference by distance (stable by index), vote, break ties by the nearest. */
function bruteForce(ref: Float32Array, labels: Uint8Array, queries: Float32Array, dim: number, k: number): Uint8Array {
  const n = labels.length;
  const out = new Uint8Array(queries.length / dim);
  for (let i = 0; i < out.length; i++) {
    const d = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (queries[i * dim + c] - ref[j * dim + c]) ** 2;
      return { j, s };
    }).sort((a, b) => a.s - b.s || a.j - b.j);
    const near = d.slice(0, k).map((e) => labels[e.j]);
    const count = (l: number) => near.filter((x) => x === l).length;
    const top = Math.max(...near.map(count));
    out[i] = near.find((l) => count(l) === top)!;
  }
  return out;
}

describe('k nearest neighbours against a reference set', () => {
  it('agrees with a brute-force sort on random points, for k = 1, 5 and 9', () => {
    const random = mulberry32(7);
    const dim = 4;
    const ref = Float32Array.from({ length: 200 * dim }, () => random() - 0.5);
    const labels = Uint8Array.from({ length: 200 }, () => Math.floor(random() * 10));
    const queries = Float32Array.from({ length: 50 * dim }, () => random() - 0.5);
    for (const k of [1, 5, 9]) expect(kNearestNeighbourLabels(ref, labels, queries, dim, k, 'euclidean')).toEqual(bruteForce(ref, labels, queries, dim, k));
  });

  it('votes: two of three neighbours outvote the nearest; a tie goes to the nearest label', () => {
    // Query at 0 on a line; references at 1 (label 3), 2 (label 5), 3 (label 5), 4 (label 3).
    const ref = Float32Array.from([1, 2, 3, 4]);
    const labels = Uint8Array.from([3, 5, 5, 3]);
    const q = Float32Array.from([0]);
    expect(kNearestNeighbourLabels(ref, labels, q, 1, 1, 'euclidean')[0]).toBe(3);
    expect(kNearestNeighbourLabels(ref, labels, q, 1, 3, 'euclidean')[0]).toBe(5);
    expect(kNearestNeighbourLabels(ref, labels, q, 1, 4, 'euclidean')[0]).toBe(3);
  });

  it('classifies well separated clusters perfectly by cosine, whatever the vector lengths', () => {
    const { x, labels } = clusters(Math.PI / 2, 3);
    const scaled = x.map((v, i) => v * (1 + (Math.floor(i / 3) % 5)));
    expect(Array.from(kNearestNeighbourLabels(x, labels, scaled, 3, 5))).toEqual(Array.from(labels));
  });

  it('refuses k outside [1, references] and mismatched labels', () => {
    const ref = Float32Array.from([1, 0, 0, 1]);
    expect(() => kNearestNeighbourLabels(ref, [0, 1], ref, 2, 3)).toThrow('k must be an integer in [1, 2], got 3');
    expect(() => kNearestNeighbourLabels(ref, [0], ref, 2, 1)).toThrow('2 reference vectors against 1 labels');
  });
});
