// TensorFlow.js draws every random number it is not given a seed for
// (layer initialisers, dropout masks, tf.randomNormal/Uniform/Gamma in the
// vMF sampler) from `seedrandom.alea(Math.random())`, in JavaScript, on every
// backend. Swapping Math.random for a seeded generator around a synchronous
// block therefore makes all of that reproducible without every layer and
// sampler having to thread a seed through, and -- because each block gets a
// fresh generator derived from (seed, purpose) -- a resumed run needs no
// generator state beyond the epoch and step it stopped at.
import { deriveSeedFnv1a } from '@sgvae/contracts';
import { createRng } from '@sgvae/data';

/**
 * Runs `fn` with Math.random replaced by a generator seeded from `seed`.
 * `fn` must be synchronous: an await inside would let unrelated code draw
 * from the seeded stream (and break reproducibility of both).
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const rng = createRng(seed >>> 0);
  const original = Math.random;
  Math.random = () => rng.nextFloat();
  try {
    const out = fn();
    if (out instanceof Promise) {
      throw new TypeError('withSeededRandom needs a synchronous function; it returned a Promise');
    }
    return out;
  } finally {
    Math.random = original;
  }
}

/** The seed for one purpose of one run, e.g. `step:3:120`, `shuffle:3`, `init`. */
export function seedFor(runSeed: number, purpose: string): number {
  return deriveSeedFnv1a(runSeed >>> 0, purpose);
}
