import { rotateImage } from '@sgvae/contracts';
import { describe, expect, it } from 'vitest';
import { loadMnist } from './mnist.ts';
import { padImages, paddingFor } from './pad.ts';
import { createRng } from './prng.ts';

// The rotation itself is specified and tested in @sgvae/contracts; here it
// meets real digits, as the data stage uses it.
const digits = (() => {
  const test = loadMnist('test');
  const n = 400;
  return { images: padImages(test.pixels, 28, 28, Array.from({ length: n }, (_, i) => i), paddingFor(28, 28, 33)), n };
})();

describe('rotation of MNIST digits', () => {
  it('conserves the mass of MNIST digits inside the inscribed disk within 2% at random angles', () => {
    const S = 33;
    const c = 16;
    const rng = createRng(14);
    let tested = 0;
    let worst = 0;
    for (let k = 0; k < digits.n && tested < 200; k++) {
      const img = digits.images.subarray(k * 1089, (k + 1) * 1089);
      let inside = true;
      let mass = 0;
      for (let i = 0; i < 1089; i++) {
        if (img[i] === 0) continue;
        mass += img[i]!;
        const dx = (i % S) - c;
        const dy = Math.floor(i / S) - c;
        // Leave room for the interpolation footprint (about 1.5 px).
        if (dx * dx + dy * dy > 14.5 * 14.5) inside = false;
      }
      if (!inside) continue;
      tested++;
      const s = tested % 2 === 0 ? 3 : 1;
      const out = rotateImage(Uint8Array.from(img), S, -180 + 360 * rng.nextFloat(), { supersample: s });
      const rotated = out.reduce((a, b) => a + b, 0);
      worst = Math.max(worst, Math.abs(rotated / mass - 1));
    }
    expect(tested).toBeGreaterThan(150);
    expect(worst).toBeLessThan(0.02);
  });
});
