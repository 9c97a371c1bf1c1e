// Adapts the data stage's dataset folders to what the evaluation needs.
import { readDatasetFrom, type Dataset } from '@sgvae/data';
import { ArtifactError } from '../errors.ts';
import type { LabelledImages, RotationGrid } from './types.ts';

/** uint8 0..255 images -> [0, 1] floats. */
export function toLabelledImages(dataset: Pick<Dataset, 'images' | 'labels' | 'angles' | 'manifest'>): LabelledImages {
  const images = new Float32Array(dataset.images.length);
  for (let i = 0; i < images.length; i++) images[i] = dataset.images[i] / 255;
  return { images, labels: dataset.labels, angles: dataset.angles, count: dataset.labels.length, size: dataset.manifest.size };
}

/**
 * A grid set (manifest rotation kind "grid"): item i * anglesPerImage + a is
 * digit i at angle a, which is the digit-major layout the invariance metrics
 * use. The grid must contain 0 degrees: the upright copy is the reference.
 */
export function toRotationGrid(dataset: Pick<Dataset, 'images' | 'labels' | 'angles' | 'manifest' | 'dir'>): RotationGrid {
  const per = dataset.manifest.anglesPerImage;
  if (dataset.manifest.rotation.kind !== 'grid' || !(per > 1)) {
    throw new ArtifactError(`${dataset.dir} is not a rotation grid (rotation kind "${dataset.manifest.rotation.kind}"); set datasets.grid to a set built with rotation kind "grid"`);
  }
  const count = dataset.labels.length;
  if (count % per !== 0) throw new ArtifactError(`${dataset.dir}: ${count} items do not split into ${per} angles per digit`);
  const angles = Array.from(dataset.angles.subarray(0, per));
  const upright = angles.findIndex((a) => ((a % 360) + 360) % 360 === 0);
  if (upright < 0) throw new ArtifactError(`${dataset.dir}: the grid angles (${angles[0]}..${angles[per - 1]}) do not include 0 degrees, the upright reference`);
  const digits = count / per;
  return {
    set: toLabelledImages(dataset),
    angles,
    digits,
    uprightAngleIndex: upright,
    digitLabels: Uint8Array.from({ length: digits }, (_, d) => dataset.labels[d * per]),
  };
}

export function readSet(datasetsDir: string, name: string): LabelledImages {
  return toLabelledImages(readDatasetFrom(datasetsDir, name));
}

export function readGrid(datasetsDir: string, name: string): RotationGrid {
  return toRotationGrid(readDatasetFrom(datasetsDir, name));
}
