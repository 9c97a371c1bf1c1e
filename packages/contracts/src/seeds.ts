// Seeds derived from a run's seed, and the small generators seeded by them.
// Only 32-bit integer arithmetic (Math.imul, shifts) is involved, so every
// value is the same on every platform.
//
// Two derivations exist, each named by its algorithm, and each caller keeps
// the one it has always used:
//   - deriveSeedFnv1a(seed, label): a uint32 per named purpose. The data stage
//     draws every set from it ("split", "set:<name>"), and training seeds its
//     per-step and per-epoch streams with it ("init", "step:<epoch>:<step>").
//   - deriveSeedMurmur3(seed, ...streams): a seed in [1, 2^31 - 1] per numbered
//     stream, for the tf.random ops of the latent distributions.
// They hash differently, and merging them would change every dataset byte
// and every trained weight: the datasets are pinned by their sha256 and the
// models by same-seed reproducibility, so both stay as they are.
import { ContractInputError } from './errors.ts';

const GOLDEN_GAMMA = 0x9e3779b9;

/**
 * splitmix32: a counter stepped by the golden ratio and finalised with the
 * murmur3 32-bit mixer. Expands a 32-bit seed into a stream of words (the
 * data stage seeds its xoshiro128** state with four of them).
 */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN_GAMMA) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function assertUint32(seed: number, what: string): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ContractInputError(`${what} must be an integer in [0, 2^32 - 1], got ${seed}`);
  }
}

/**
 * A 32-bit seed for one named purpose ("split", "set:test-rotated",
 * "step:3:120"), derived from a uint32 seed. Each purpose gets its own
 * stream, so adding or reordering purposes never changes the others.
 * FNV-1a over the label's UTF-8 bytes, xor-ed with the seed and finalised by
 * one splitmix32 step.
 */
export function deriveSeedFnv1a(seed: number, label: string): number {
  assertUint32(seed, 'seed');
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(label)) {
    h = Math.imul(h ^ byte, 0x01000193);
  }
  return splitmix32((seed ^ h) >>> 0)();
}

// murmur3 finaliser: full avalanche on 32 bits.
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A seed in [1, 2^31 - 1] for stream `streams` of `seed` (any safe integer,
 * negative included): the murmur3 finaliser over the seed's two 32-bit
 * halves, then once per stream number. Never 0, which tfjs's randomGamma and
 * randomNormal read as "unseeded".
 */
export function deriveSeedMurmur3(seed: number, ...streams: number[]): number {
  if (!Number.isSafeInteger(seed)) {
    throw new ContractInputError(`seed=${seed} must be a safe integer; derive per-step seeds from a base seed, e.g. baseSeed * 1000 + step`);
  }
  const low = seed % 2 ** 32;
  const high = Math.floor(seed / 2 ** 32);
  let h = mix32(mix32(low >>> 0) ^ Math.imul(high | 0, 0x9e3779b1));
  for (const s of streams) h = mix32(h ^ Math.imul((s + 1) | 0, 0x27d4eb2f));
  return (h % 0x7ffffffe) + 1;
}

/**
 * mulberry32: a small generator of floats in [0, 1) from a 32-bit seed (32
 * random bits each). For bootstrap resampling and subset draws in the
 * evaluation, and for seeding Math.random in tests.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
