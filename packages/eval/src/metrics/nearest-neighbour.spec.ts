import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@sgvae/contracts';
import { leaveOneOutNearestNeighbour } from './nearest-neighbour.ts';

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
