// Seeds Math.random around a synchronous block, as the trainer does per step
// (withSeededRandom in packages/train), without this package depending on
// train or data. mulberry32: small, and its 32-bit outputs are plenty for
// seeding tfjs's and the device generator's draws in tests.
export function withMathRandom<T>(seed: number, fn: () => T): T {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const original = Math.random;
  Math.random = next;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
