// Tiny synthetic image sets for tests: a few classes of bars and blobs on a
// small grid, with noise from a seeded generator. Seconds of training are
// enough for a small network to learn them.
import { createRng } from '@sgvae/data';
import type { ImageSet } from '../batching/image-batches.ts';

export function tinyImageSet(count: number, size: number, seed: number, classes = 4): ImageSet {
  const rng = createRng(seed);
  const area = size * size;
  const images = new Uint8Array(count * area);
  const labels = new Uint8Array(count);
  const c = (size - 1) / 2;
  for (let n = 0; n < count; n++) {
    const label = n % classes;
    labels[n] = label;
    const shift = rng.nextInt(3) - 1;
    for (let r = 0; r < size; r++) {
      for (let x = 0; x < size; x++) {
        let on = false;
        if (label === 0) on = Math.abs(x - c - shift) < 1.5; // vertical bar
        else if (label === 1) on = Math.abs(r - c - shift) < 1.5; // horizontal bar
        else if (label === 2) on = Math.hypot(r - c, x - c - shift) < size / 4; // disk
        else on = Math.abs(r - x - shift) < 1.5; // diagonal
        const noise = rng.nextInt(40);
        images[n * area + r * size + x] = on ? 215 + noise : noise;
      }
    }
  }
  return { images, labels, count, size };
}
