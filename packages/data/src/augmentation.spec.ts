import { describe, expect, it } from 'vitest';
import { RandomRotation, composeAugmentations, type Augmentation } from './augmentation.ts';
import { loadMnist } from './mnist.ts';
import { padImages, paddingFor } from './pad.ts';
import { createRng } from './prng.ts';
import { rotateImages } from '@sgvae/contracts';
import { sameBytes } from './testing/same-bytes.ts';

const batch = (() => {
  const test = loadMnist('test');
  return padImages(test.pixels, 28, 28, Array.from({ length: 100 }, (_, i) => i), paddingFor(28, 28, 33));
})();

describe('augmentation', () => {
  it('rotates each image of a batch by its own seeded angle, in place', () => {
    const aug = new RandomRotation({ supersample: 2 });
    const images = Uint8Array.from(batch);
    aug.apply(images, 100, 33, createRng(1));
    const angles = aug.drawAngles(100, createRng(1));
    expect(sameBytes(images, rotateImages(batch, 100, 33, angles, { supersample: 2 }))).toBe(true);
    expect(new Set(angles).size).toBe(100);
    expect(Math.min(...angles)).toBeGreaterThanOrEqual(-180);
    expect(Math.max(...angles)).toBeLessThanOrEqual(180);
    const again = Uint8Array.from(batch);
    aug.apply(again, 100, 33, createRng(1));
    expect(sameBytes(again, images)).toBe(true);
    const other = Uint8Array.from(batch);
    aug.apply(other, 100, 33, createRng(2));
    expect(sameBytes(other, images)).toBe(false);
  });

  it('works on float batches and keeps [0, 1]', () => {
    const images = Float32Array.from(batch, (v) => v / 255);
    new RandomRotation({ rotation: { kind: 'uniform', min: -30, max: 30 } }).apply(images, 100, 33, createRng(3));
    expect(Math.max(...images)).toBeLessThanOrEqual(1);
    expect(Math.min(...images)).toBeGreaterThanOrEqual(0);
    expect(sameBytes(images, Float32Array.from(batch, (v) => v / 255))).toBe(false);
  });

  it('with quarter-turn choices only permutes pixels', () => {
    const images = Uint8Array.from(batch);
    new RandomRotation({ rotation: { kind: 'choice', angles: [0, 90, 180, 270] } }).apply(images, 100, 33, createRng(4));
    for (let i = 0; i < 100; i++) {
      const a = [...batch.subarray(i * 1089, (i + 1) * 1089)].sort((x, y) => x - y);
      const b = [...images.subarray(i * 1089, (i + 1) * 1089)].sort((x, y) => x - y);
      expect(b).toEqual(a);
    }
  });

  it('composes transforms in order, sharing one random stream', () => {
    const invert: Augmentation = {
      name: 'invert',
      apply(images, count, size) {
        for (let i = 0; i < count * size * size; i++) images[i] = 255 - images[i]!;
      },
    };
    const rotate = new RandomRotation();
    const both = composeAugmentations(rotate, invert);
    expect(both.name).toBe('rotate(uniform -180..180, s=1) then invert');
    const composed = Uint8Array.from(batch.subarray(0, 10 * 1089));
    both.apply(composed, 10, 33, createRng(5));
    const manual = Uint8Array.from(batch.subarray(0, 10 * 1089));
    rotate.apply(manual, 10, 33, createRng(5));
    invert.apply(manual, 10, 33, createRng(5));
    expect(sameBytes(composed, manual)).toBe(true);
    expect(() => both.apply(composed, 11, 33, createRng(5))).toThrow(/does not fit/);
  });
});
