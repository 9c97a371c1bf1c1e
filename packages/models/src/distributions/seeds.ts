// Seeds for the tf.random* ops. Each draw of a sampler uses its own stream,
// derived from the caller's seed by deriveSeedMurmur3 (@sgvae/contracts), so
// one seed gives independent, reproducible streams and no generator state is
// kept anywhere. tfjs treats a seed of 0 as "unseeded" (Math.random) in
// randomGamma and randomNormal, so derived seeds are never 0.
import { InvalidDistributionArgumentError } from './errors.ts';

export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidDistributionArgumentError(
      `seed=${seed} must be a safe integer; derive per-step seeds from a base seed, e.g. baseSeed * 1000 + step`,
    );
  }
}

/**
 * Bounds for tf.randomUniform so that the float32 values lie in the open interval (0, 1):
 * float32 rounding of 1 - 2^-32 would otherwise give exactly 1, and 0 can be drawn.
 */
export const OPEN_UNIT_MIN = 2 ** -25;
export const OPEN_UNIT_MAX = 1 - 2 ** -24;
