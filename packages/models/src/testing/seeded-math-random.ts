// Seeds Math.random around a synchronous block, as the trainer does per step
// (withSeededRandom in packages/train), without this package depending on
// train or data. mulberry32: small, and its 32-bit outputs are plenty for
// seeding tfjs's and the device generator's draws in tests.
import { mulberry32 } from '@sgvae/contracts/seeds';

export function withMathRandom<T>(seed: number, fn: () => T): T {
  const next = mulberry32(seed);
  const original = Math.random;
  Math.random = next;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
