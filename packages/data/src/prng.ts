// A small seedable PRNG: xoshiro128** (Blackman & Vigna 2018, the 32-bit
// member of the xoshiro family, period 2^128 - 1) with its 128-bit state
// filled by splitmix32 (@sgvae/contracts) from a 32-bit seed. It is written
// out here rather than taken from a package so that every random choice in
// the datasets (and the training stage's augmentation) is reproducible bit
// for bit on any platform: only 32-bit integer arithmetic (Math.imul, shifts)
// is involved. Seeds per purpose come from deriveSeedFnv1a (@sgvae/contracts).

import { splitmix32 } from '@sgvae/contracts';
import { DataError } from './errors.ts';

/** The random source every seeded function in this package takes. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits (two 32-bit draws). */
  nextFloat(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling); 1 <= n <= 2^32. */
  nextInt(n: number): number;
}

/** The four 32-bit words of a xoshiro128** state; never all zero. */
export type Xoshiro128State = readonly [number, number, number, number];

export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: Xoshiro128State) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
  }

  /** Seeds from a 32-bit unsigned integer through splitmix32. */
  static fromSeed(seed: number): Xoshiro128 {
    assertSeed(seed, 'seed');
    const next = splitmix32(seed);
    // splitmix32 is a bijection of its counter, so four consecutive outputs
    // cannot all be zero; the all-zero state (a fixed point) is unreachable.
    return new Xoshiro128([next(), next(), next(), next()]);
  }

  /** Restores a generator saved with `getState()` (e.g. from a training checkpoint). */
  static fromState(state: Xoshiro128State): Xoshiro128 {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new DataError('a xoshiro128** state is four unsigned 32-bit integers; pass what getState() returned');
    }
    if (state.every((w) => w === 0)) {
      throw new DataError('the all-zero xoshiro128** state is invalid (the generator would only return 0)');
    }
    return new Xoshiro128(state);
  }

  getState(): Xoshiro128State {
    // The words are kept as signed int32 by the bit operations; report them unsigned.
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  clone(): Xoshiro128 {
    return new Xoshiro128(this.getState());
  }

  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    // The usual 53-bit construction: 27 high bits of one draw, 26 of the next.
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) {
      throw new DataError(`nextInt(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    }
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 0x100000000 - (0x100000000 % n);
    let u = this.nextUint32();
    while (u >= limit) u = this.nextUint32();
    return u % n;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function assertSeed(seed: number, what: string): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DataError(`${what} must be an integer in [0, 2^32 - 1], got ${seed}`);
  }
}

/** A generator seeded from `seed` (a 32-bit unsigned integer). */
export function createRng(seed: number): Xoshiro128 {
  return Xoshiro128.fromSeed(seed);
}

/** Fisher-Yates shuffle in place; consumes exactly `length - 1` draws of `nextInt`. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
  return array;
}
