import { EvalInputError } from '../errors.ts';
import { mulberry32 } from '@sgvae/contracts';
import type { LabelledImages, RotationGrid } from './types.ts';

/** Items `indices` of a set, in that order. */
export function takeItems(set: LabelledImages, indices: ArrayLike<number>): LabelledImages {
  const px = set.size * set.size;
  const images = new Float32Array(indices.length * px);
  const labels = new Uint8Array(indices.length);
  const angles = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < set.count)) throw new EvalInputError(`item ${i} is outside a set of ${set.count}`);
    images.set(set.images.subarray(i * px, (i + 1) * px), k * px);
    labels[k] = set.labels[i];
    angles[k] = set.angles[i];
  }
  return { images, labels, angles, count: indices.length, size: set.size };
}

/**
 * Indices of a seeded random subset of `limit` items (all items, in order,
 * when `limit` is null or not smaller than the set). Sorted, so that a subset
 * of a subset keeps the set's order.
 */
export function subsetIndices(count: number, limit: number | null, seed: number): Int32Array {
  if (limit === null || limit >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const random = mulberry32(seed);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(random() * (count - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order.slice(0, limit).sort();
}

export function indicesWhere(labels: ArrayLike<number>, keep: (label: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (keep(labels[i])) out.push(i);
  return Int32Array.from(out);
}

/** The first `digits` digits of a rotation grid, with all their angles. */
export function takeGridDigits(grid: RotationGrid, digits: number | null): RotationGrid {
  if (digits === null || digits >= grid.digits) return grid;
  const na = grid.angles.length;
  const indices = Int32Array.from({ length: digits * na }, (_, i) => i);
  return { ...grid, set: takeItems(grid.set, indices), digits, digitLabels: grid.digitLabels.slice(0, digits) };
}
