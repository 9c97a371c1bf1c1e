import { describe, expect, it } from 'vitest';
import { splitIndices } from './build-datasets.ts';
import { loadMnist } from './mnist.ts';
import { DEFAULT_PARAMS, parseDataParams } from './params.ts';
import { createRng } from './prng.ts';
import { allocateProportional, countPerClass, stratifiedSplit } from './stratify.ts';

describe('stratified sampling', () => {
  it('allocates by largest remainders, exactly summing to the total', () => {
    // 10 of [5, 3, 2] (pool 10): exact shares.
    expect(allocateProportional([5, 3, 2], 10)).toEqual([5, 3, 2]);
    // 5 of [5, 3, 2]: quotas 2.5, 1.5, 1 -> floors 2, 1, 1, one unit left; tie
    // between remainders .5 and .5 goes to the lower class.
    expect(allocateProportional([5, 3, 2], 5)).toEqual([3, 1, 1]);
    // 4 of [1, 1, 1, 7]: quotas .4 .4 .4 2.8 -> floors 0 0 0 2; two units to
    // the largest remainders .8 then .4 (lowest class among ties).
    expect(allocateProportional([1, 1, 1, 7], 4)).toEqual([1, 0, 0, 3]);
    expect(allocateProportional([0, 4], 2)).toEqual([0, 2]);
    expect(() => allocateProportional([1, 2], 4)).toThrow(/cannot take 4 items from a pool of 3/);
  });

  it('splits a pool into disjoint, sorted, class-proportional parts', () => {
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i < 800 ? 1 : 2 + (i % 8)));
    const all = Array.from({ length: 1000 }, (_, i) => i);
    const { picked, rest } = stratifiedSplit(labels, all, 100, createRng(5));
    expect(picked.length).toBe(100);
    expect(rest.length).toBe(900);
    expect(new Set([...picked, ...rest]).size).toBe(1000);
    expect(Array.from(picked)).toEqual([...picked].sort((a, b) => a - b));
    const counts = countPerClass(labels, picked);
    expect(counts.slice(0, 2)).toEqual([50, 30]);
    expect(counts.slice(2).reduce((a, b) => a + b, 0)).toBe(20);
    // Same seed, same draw; another seed, another draw.
    expect(stratifiedSplit(labels, all, 100, createRng(5)).picked).toEqual(picked);
    expect(stratifiedSplit(labels, all, 100, createRng(6)).picked).not.toEqual(picked);
  });

  it("reproduces the paper's split of MNIST: 35,000 -> 27,000 train, 3,000 val, 5,000 test", () => {
    const train = loadMnist('train');
    const split = splitIndices(DEFAULT_PARAMS, train.labels, 10_000);
    expect([split.train.length, split.val.length, split.test.length, split.testSource]).toEqual([27_000, 3_000, 5_000, 'train']);
    const all = new Set([...split.train, ...split.val, ...split.test]);
    expect(all.size).toBe(35_000);
    const full = countPerClass(train.labels);
    for (const [part, size] of [
      [split.train, 27_000],
      [split.val, 3_000],
      [split.test, 5_000],
    ] as const) {
      const counts = countPerClass(train.labels, part);
      // Each class within 1 of its exact proportional share at each of the three
      // nested roundings (subset, test, val).
      counts.forEach((n, c) => expect(Math.abs(n - (full[c]! * size) / 60_000)).toBeLessThanOrEqual(3));
    }
    const noSubset = splitIndices(parseDataParams({ subset: null }), train.labels, 10_000);
    expect([noSubset.train.length, noSubset.val.length, noSubset.test.length, noSubset.testSource]).toEqual([54_000, 6_000, 10_000, 'test']);
  });
});
