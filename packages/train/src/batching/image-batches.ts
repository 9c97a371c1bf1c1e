// Batches straight from the uint8 image stacks: each batch is copied and
// scaled into one Float32Array allocated up front, so preparing a batch is a
// tight loop over a few hundred kilobytes and never allocates. The tensor
// made from that buffer is consumed by the training step (which uploads it to
// TensorFlow) before the buffer is refilled for the next batch.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@sgvae/data';
import { createRng, shuffleInPlace } from '@sgvae/data';
import { TrainDataError } from '../errors.ts';
import { seedFor } from '../random/seeded-random.ts';

/** A stack of square single-channel images with optional class labels. */
export interface ImageSet {
  /** count x size x size bytes, row-major, 0..255. */
  images: Uint8Array;
  labels?: Uint8Array;
  count: number;
  size: number;
}

/** Changes a batch in place (count images of size x size in [0, 1]), drawing from `rng`. */
export type BatchAugment = (pixels: Float32Array, count: number, size: number, rng: Rng) => void;

export interface Batch {
  /** [n, size, size, 1] in [0, 1]. */
  x: tf.Tensor4D;
  /** What a reconstruction is scored against when it is not `x`: the images before augmentation. */
  target?: tf.Tensor4D;
  /** [n] int32 class labels when the set has labels. */
  labels?: tf.Tensor1D;
  size: number;
}

export class ImageBatches {
  readonly set: ImageSet;
  readonly capacity: number;
  private readonly pixels: Float32Array;
  private readonly labelBuf: Int32Array;
  private readonly augment: BatchAugment | undefined;
  private readonly targets: Float32Array | undefined;

  /**
   * `keepTarget`: with `augment`, also hand out the images as they were
   * before it (`Batch.target`), for models asked to undo the augmentation.
   */
  constructor(set: ImageSet, capacity: number, augment?: BatchAugment, keepTarget = false) {
    if (set.images.length !== set.count * set.size * set.size) {
      throw new TrainDataError(
        `image stack holds ${set.images.length} bytes, not ${set.count} images of ${set.size}x${set.size}`,
      );
    }
    if (set.labels !== undefined && set.labels.length !== set.count) {
      throw new TrainDataError(`${set.labels.length} labels for ${set.count} images`);
    }
    this.set = set;
    this.capacity = capacity;
    this.pixels = new Float32Array(capacity * set.size * set.size);
    this.labelBuf = new Int32Array(capacity);
    this.augment = augment;
    this.targets = augment !== undefined && keepTarget ? new Float32Array(capacity * set.size * set.size) : undefined;
  }

  /**
   * Builds a batch from `indices[start .. start + n)`. The returned tensors
   * must be used (or disposed) before the next call: they share a buffer.
   */
  batch(indices: ArrayLike<number>, start: number, n: number, augmentRng?: Rng): Batch {
    if (n > this.capacity) throw new RangeError(`batch of ${n} exceeds the capacity ${this.capacity}`);
    const { images, labels, size } = this.set;
    const area = size * size;
    const scale = 1 / 255;
    const px = this.pixels;
    for (let b = 0; b < n; b++) {
      const src = indices[start + b] * area;
      const dst = b * area;
      for (let i = 0; i < area; i++) px[dst + i] = images[src + i] * scale;
      if (labels !== undefined) this.labelBuf[b] = labels[indices[start + b]];
    }
    const view = n === this.capacity ? px : px.subarray(0, n * area);
    let target: tf.Tensor4D | undefined;
    if (this.augment !== undefined && augmentRng !== undefined) {
      if (this.targets !== undefined) {
        const kept = this.targets.subarray(0, n * area);
        kept.set(view);
        target = tf.tensor4d(kept, [n, size, size, 1]);
      }
      this.augment(view, n, size, augmentRng);
    }
    const x = tf.tensor4d(view, [n, size, size, 1]);
    const out: Batch = { x, size: n, ...(target === undefined ? {} : { target }) };
    if (labels !== undefined) {
      out.labels = tf.tensor1d(n === this.capacity ? this.labelBuf : this.labelBuf.subarray(0, n), 'int32');
    }
    return out;
  }
}

/** 0..count-1 shuffled by the generator for (seed, epoch); the same on every run and after a resume. */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return shuffleInPlace(order, createRng(seedFor(seed, `shuffle:${epoch}`)));
}

/** 0..count-1 in order. */
export function identityOrder(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}
