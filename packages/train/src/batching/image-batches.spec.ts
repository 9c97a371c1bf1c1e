import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@sgvae/data';
import { describe, expect, it } from 'vitest';
import { ImageBatches, type BatchAugment } from './image-batches.ts';

// Four 2x2 images with distinct pixels; the "augmentation" reverses each image's pixels.
const set = { images: Uint8Array.from({ length: 16 }, (_, i) => i * 10), count: 4, size: 2 };
const reverse: BatchAugment = (px, n, size) => {
  const area = size * size;
  for (let b = 0; b < n; b++) px.subarray(b * area, (b + 1) * area).reverse();
};

describe('image batches', () => {
  it('hands out the images before augmentation as the target when asked, and only then', () => {
    const keeping = new ImageBatches(set, 2, reverse, true);
    const b = keeping.batch([3, 1], 0, 2, createRng(1));
    const scaled = (i: number) => [0, 1, 2, 3].map((k) => ((i * 4 + k) * 10) / 255);
    expect(Array.from(b.target!.dataSync())).toEqual(Array.from(Float32Array.from([...scaled(3), ...scaled(1)])));
    expect(Array.from(b.x.dataSync())).toEqual(Array.from(Float32Array.from([...scaled(3).reverse(), ...scaled(1).reverse()])));
    tf.dispose([b.x, b.target!]);
    // A short last batch gets a target of its own size.
    const last = keeping.batch([0, 1, 2], 2, 1, createRng(2));
    expect(last.target!.shape).toEqual([1, 2, 2, 1]);
    tf.dispose([last.x, last.target!]);
    // Without keepTarget, or without an augmentation draw (validation), there is no target.
    const plain = new ImageBatches(set, 2, reverse).batch([0, 1], 0, 2, createRng(1));
    expect(plain.target).toBeUndefined();
    const validation = keeping.batch([0, 1], 0, 2);
    expect(validation.target).toBeUndefined();
    expect(Array.from(validation.x.dataSync())).toEqual(Array.from(Float32Array.from([...scaled(0), ...scaled(1)])));
    tf.dispose([plain.x, validation.x]);
  });
});
