// Stratified sampling: every class keeps its share of the candidates, so a
// 35,000-image subset or a 10% validation split has the class balance of the
// pool it came from. Allocation is the largest-remainder (Hamilton) method
// in exact integer arithmetic; the images within a class are drawn with a
// partial Fisher-Yates shuffle, classes in order 0..9, from one Rng.

import { DataError } from './errors.ts';
import { NUM_CLASSES } from './idx.ts';
import type { Rng } from './prng.ts';

/** Number of items of each class 0..9 among `indices` (all of `labels` if omitted). */
export function countPerClass(labels: Uint8Array, indices?: ArrayLike<number>): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  if (indices === undefined) {
    for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  } else {
    for (let i = 0; i < indices.length; i++) counts[labels[indices[i]!]!]!++;
  }
  return counts;
}

/**
 * Splits `total` into integer shares proportional to `available` (largest
 * remainders get the leftover units; ties go to the lower class). Each share
 * is at most its class's availability, and the shares add up to `total`.
 */
export function allocateProportional(available: readonly number[], total: number): number[] {
  const pool = available.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(total) || total < 0 || total > pool) {
    throw new DataError(`cannot take ${total} items from a pool of ${pool}`);
  }
  if (pool === 0) return available.map(() => 0);
  // Products stay below 2^53 for any realistic pool, so this is exact.
  const shares = available.map((a) => Math.floor((a * total) / pool));
  const remainders = available.map((a, c) => ({ c, r: a * total - shares[c]! * pool }));
  let left = total - shares.reduce((a, b) => a + b, 0);
  remainders.sort((p, q) => q.r - p.r || p.c - q.c);
  for (const { c } of remainders) {
    if (left === 0) break;
    shares[c]!++;
    left--;
  }
  return shares;
}

export interface StratifiedSplit {
  /** `count` indices drawn from the candidates, ascending. */
  readonly picked: Uint32Array;
  /** The other candidates, ascending. */
  readonly rest: Uint32Array;
}

/**
 * Draws `count` of the `candidates` (indices into `labels`), stratified by
 * class. Results are sorted ascending so that artifacts read in source order
 * and do not depend on how the draw was made, only on which items were drawn.
 */
export function stratifiedSplit(labels: Uint8Array, candidates: ArrayLike<number>, count: number, rng: Rng): StratifiedSplit {
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < candidates.length; i++) {
    const index = candidates[i]!;
    const label = labels[index];
    if (label === undefined) throw new DataError(`candidate index ${index} is outside the ${labels.length} labels`);
    byClass[label]!.push(index);
  }
  const shares = allocateProportional(
    byClass.map((members) => members.length),
    count,
  );
  const picked: number[] = [];
  const rest: number[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const members = byClass[c]!;
    members.sort((a, b) => a - b);
    const k = shares[c]!;
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextInt(members.length - i);
      const tmp = members[i]!;
      members[i] = members[j]!;
      members[j] = tmp;
    }
    for (let i = 0; i < members.length; i++) (i < k ? picked : rest).push(members[i]!);
  }
  return { picked: Uint32Array.from(picked).sort(), rest: Uint32Array.from(rest).sort() };
}
