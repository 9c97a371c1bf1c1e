import { describe, expect, it } from 'vitest';
import { ContractInputError } from './errors.ts';
import { deriveSeedFnv1a, deriveSeedMurmur3, mulberry32, splitmix32 } from './seeds.ts';

// The values below were produced by the implementations these functions
// replaced (the data stage's and the latent distributions' own copies): they
// pin the datasets' bytes and the trained weights to what earlier commits made.
describe('seed derivation', () => {
  it('derives the same per-purpose seeds as the data stage always has (FNV-1a + splitmix32)', () => {
    const known: [number, string, number][] = [
      [20230501, 'set:test-rotated', 3479327049],
      [20230501, 'split', 2791395174],
      [0, '', 164558732],
      [4294967295, 'step:3:120', 3392331234],
      [7, 'init', 3900634754],
      [1, 'shuffle:0', 2470518180],
    ];
    for (const [seed, label, value] of known) expect(deriveSeedFnv1a(seed, label)).toBe(value);
    expect(deriveSeedFnv1a(20230501, 'set:test-69-rotated')).not.toBe(deriveSeedFnv1a(20230501, 'set:test-rotated'));
    expect(() => deriveSeedFnv1a(2 ** 32, 'x')).toThrow(ContractInputError);
    expect(() => deriveSeedFnv1a(-1, 'x')).toThrow(/seed must be an integer in \[0, 2\^32 - 1\], got -1/);
  });

  it('derives the same stream seeds as the latent samplers always have (murmur3), never 0', () => {
    const known: [number, number[], number][] = [
      [0, [], 1],
      [1, [0], 129964318],
      [5, [1, 2], 1067281983],
      [5, [2, 1], 1616680760],
      [-1, [3], 42230231],
      [2 ** 40, [0, 7], 1316836356],
      [Number.MAX_SAFE_INTEGER, [2], 165178249],
      [123456789, [4, 0, 1], 822923441],
    ];
    for (const [seed, streams, value] of known) expect(deriveSeedMurmur3(seed, ...streams)).toBe(value);
    const seen = new Set<number>();
    for (const seed of [0, 1, 2, -1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      for (const stream of [0, 1, 2, 3]) {
        const derived = deriveSeedMurmur3(seed, stream);
        expect(derived).toBeGreaterThanOrEqual(1);
        expect(derived).toBeLessThan(2 ** 31);
        seen.add(derived);
      }
    }
    expect(seen.size).toBe(24);
    expect(() => deriveSeedMurmur3(Number.NaN)).toThrow(/safe integer/);
  });

  it('keeps the generators\' streams', () => {
    const next = splitmix32(20230501);
    expect([next(), next(), next()]).toEqual([1758505244, 3679013236, 3439438181]);
    const random = mulberry32(42);
    expect([random(), random(), random()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });
});
