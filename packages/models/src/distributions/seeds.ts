// Seeds for the tf.random* ops. Each draw of a sampler uses its own stream,
// derived from the caller's seed by an integer hash, so one seed gives
// independent, reproducible streams and no generator state is kept anywhere.
// tfjs treats a seed of 0 as "unseeded" (Math.random) in randomGamma and
// randomNormal, so derived seeds are never 0.
import { InvalidDistributionArgumentError } from './errors.ts';

export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidDistributionArgumentError(
      `seed=${seed} must be a safe integer; derive per-step seeds from a base seed, e.g. baseSeed * 1000 + step`,
    );
  }
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

/** A seed in [1, 2^31 - 1] for stream `streams` of `seed`. */
export function deriveSeed(seed: number, ...streams: number[]): number {
  checkSeed(seed);
  const low = seed % 2 ** 32;
  const high = Math.floor(seed / 2 ** 32);
  let h = mix32(mix32(low >>> 0) ^ Math.imul(high | 0, 0x9e3779b1));
  for (const s of streams) h = mix32(h ^ Math.imul((s + 1) | 0, 0x27d4eb2f));
  return (h % 0x7ffffffe) + 1;
}

/**
 * Bounds for tf.randomUniform so that the float32 values lie in the open interval (0, 1):
 * float32 rounding of 1 - 2^-32 would otherwise give exactly 1, and 0 can be drawn.
 */
export const OPEN_UNIT_MIN = 2 ** -25;
export const OPEN_UNIT_MAX = 1 - 2 ** -24;
