// The files of one dataset and their atomic writing and reading. The manifests
// (types, checks, writers) are @sgvae/contracts' dataset-manifest.ts.
//
//   <dir>/images.u8          N * S * S uint8, row-major, row 0 at the top, 0 = background, 255 = ink
//   <dir>/labels.u8          N uint8 class labels 0..9
//   <dir>/angles.f32         N float32 little-endian, degrees counter-clockwise as displayed
//   <dir>/source-indices.u32 N uint32 little-endian, index of each digit in its MNIST file
//   <dir>/manifest.json      shape, counts, params, seed, sha256 of every file above
//
// A folder only appears under its final name once every file in it is
// written and synced: it is built under a temporary sibling name, fsynced,
// then renamed. The manifest is the last file written, so a folder without
// one (or with checksums that do not match) is never taken for a dataset.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANGLE_CONVENTION,
  ArtifactCorruptError,
  ArtifactMissingError,
  DATASET_FILE_NAMES,
  DATASET_FORMAT,
  DATASET_FORMAT_VERSION,
  type DatasetDescription,
  type DatasetFileEntry,
  type DatasetFileKey,
  type DatasetManifest,
  DEFAULT_REBUILD_HINT,
  datasetsIndexPath,
  readDatasetManifest,
  readDatasetsIndex,
  sha256,
  writeDatasetManifest,
  writeFileSynced,
  writeFolderAtomically,
} from '@sgvae/contracts';
import { NUM_CLASSES } from './idx.ts';

export interface DatasetArrays {
  /** count * size * size pixels, 0..255. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly angles: Float32Array;
  readonly sourceIndices: Uint32Array;
}

export interface Dataset extends DatasetArrays {
  readonly manifest: DatasetManifest;
  readonly dir: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a typed array in little-endian order (a view when the machine is little-endian). */
function littleEndianBytes(array: Uint8Array | Float32Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    swapped[i] = bytes[i + 3]!;
    swapped[i + 1] = bytes[i + 2]!;
    swapped[i + 2] = bytes[i + 1]!;
    swapped[i + 3] = bytes[i]!;
  }
  return swapped;
}

function fromLittleEndian<T extends Float32Array | Uint32Array>(bytes: Uint8Array, make: (buffer: ArrayBuffer) => T): T {
  // Copy into a fresh, aligned buffer: file buffers may start at any offset.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < copy.length; i += 4) {
      const [a, b, c, d] = [copy[i]!, copy[i + 1]!, copy[i + 2]!, copy[i + 3]!];
      copy[i] = d;
      copy[i + 1] = c;
      copy[i + 2] = b;
      copy[i + 3] = a;
    }
  }
  return make(copy.buffer);
}

/** Writes one dataset folder atomically and returns its manifest. */
export function writeDataset(dir: string, arrays: DatasetArrays, description: DatasetDescription): DatasetManifest {
  const { images, labels, angles, sourceIndices } = arrays;
  const count = labels.length;
  const area = description.size * description.size;
  if (images.length !== count * area || angles.length !== count || sourceIndices.length !== count) {
    throw new ArtifactCorruptError(
      dir,
      `refusing to write inconsistent arrays: ${images.length} pixels, ${count} labels, ${angles.length} angles, ${sourceIndices.length} indices for ${description.size}x${description.size} images`,
      'This is a bug in the caller of writeDataset.',
    );
  }
  const countsPerClass = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < count; i++) countsPerClass[labels[i]!]!++;
  const payload: Record<DatasetFileKey, { bytes: Uint8Array; dtype: DatasetFileEntry['dtype']; shape: number[] }> = {
    images: { bytes: littleEndianBytes(images), dtype: 'uint8', shape: [count, description.size, description.size] },
    labels: { bytes: littleEndianBytes(labels), dtype: 'uint8', shape: [count] },
    angles: { bytes: littleEndianBytes(angles), dtype: 'float32', shape: [count] },
    sourceIndices: { bytes: littleEndianBytes(sourceIndices), dtype: 'uint32', shape: [count] },
  };
  const files = {} as Record<DatasetFileKey, DatasetFileEntry>;
  for (const key of Object.keys(DATASET_FILE_NAMES) as DatasetFileKey[]) {
    const { bytes, dtype, shape } = payload[key];
    files[key] = { path: DATASET_FILE_NAMES[key], dtype, endian: 'little', shape, bytes: bytes.length, sha256: sha256(bytes) };
  }
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    formatVersion: DATASET_FORMAT_VERSION,
    name: description.name,
    count,
    size: description.size,
    countsPerClass,
    pixels: { dtype: 'uint8', min: 0, max: 255, layout: 'N x S x S, row-major, row 0 at the top; 0 = background' },
    angleConvention: ANGLE_CONVENTION,
    files,
    sourceSplit: description.sourceSplit,
    rotation: description.rotation,
    supersample: description.supersample,
    anglesPerImage: description.anglesPerImage,
    padding: description.padding,
    setSeed: description.setSeed,
    params: description.params,
  };
  writeFolderAtomically(dir, (tmp) => {
    for (const key of Object.keys(DATASET_FILE_NAMES) as DatasetFileKey[]) writeFileSynced(join(tmp, DATASET_FILE_NAMES[key]), payload[key].bytes);
    writeDatasetManifest(tmp, manifest);
  });
  return manifest;
}

/** Reads a dataset folder written by `writeDataset`, validating its manifest and the checksums of its files. */
export function readDataset(dir: string): Dataset {
  const hint = DEFAULT_REBUILD_HINT;
  const manifest = readDatasetManifest(dir);
  const bytes = {} as Record<DatasetFileKey, Uint8Array>;
  for (const key of Object.keys(DATASET_FILE_NAMES) as DatasetFileKey[]) {
    const entry = manifest.files[key];
    const path = join(dir, entry.path);
    if (!existsSync(path)) throw new ArtifactMissingError(dir, `lacks ${entry.path}, listed in its manifest`, hint);
    const data = readFileSync(path);
    if (data.length !== entry.bytes) {
      throw new ArtifactCorruptError(dir, `${entry.path} is ${data.length} bytes, its manifest says ${entry.bytes} (truncated or overwritten)`, hint);
    }
    if (sha256(data) !== entry.sha256) {
      throw new ArtifactCorruptError(dir, `${entry.path} does not match the sha256 in its manifest (the file was changed after the build)`, hint);
    }
    bytes[key] = data;
  }
  const labels = new Uint8Array(bytes.labels);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) throw new ArtifactCorruptError(dir, `label #${i} is ${labels[i]}, outside 0..9`, hint);
  }
  return {
    dir,
    manifest,
    images: new Uint8Array(bytes.images),
    labels,
    angles: fromLittleEndian(bytes.angles, (b) => new Float32Array(b)),
    sourceIndices: fromLittleEndian(bytes.sourceIndices, (b) => new Uint32Array(b)),
  };
}

/** Reads one set by name from a datasets folder, after checking the top-level manifest lists it. */
export function readDatasetFrom(outDir: string, name: string): Dataset {
  const index = readDatasetsIndex(outDir);
  const entry = index.sets.find((s) => s.name === name);
  if (entry === undefined) {
    throw new ArtifactMissingError(
      join(outDir, name),
      `is not among the sets of ${datasetsIndexPath(outDir)} (${index.sets.map((s) => s.name).join(', ')}); add it to the data params`,
      DEFAULT_REBUILD_HINT,
    );
  }
  return readDataset(join(outDir, entry.dir));
}
