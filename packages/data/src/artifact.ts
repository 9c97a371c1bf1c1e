// On-disk format of one dataset and atomic writing/reading of it.
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

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSynced, writeFolderAtomically } from '@sgvae/contracts';
import { ArtifactCorruptError, ArtifactMissingError } from './errors.ts';
import { NUM_CLASSES } from './idx.ts';
import type { Padding } from './pad.ts';
import type { DataParams, RotationSpec } from './params.ts';

export const DATASET_FORMAT = 'sgvae-dataset';
export const DATASET_FORMAT_VERSION = 1;

/** Appended to every "missing or broken artifact" error: which stage rebuilds it. */
export const DEFAULT_REBUILD_HINT =
  'The `build-datasets` stage writes it: run `npx nx run pipeline--build-datasets:run` ' +
  '(or `<profile>--build-datasets:run` for another pipeline profile), or directly ' +
  '`npx tsx packages/data/src/cli.ts --params <data-params.yaml> --out <dir>`.';

export const ANGLE_CONVENTION =
  'degrees; positive = counter-clockwise as displayed (row 0 at the top); about the pixel ((S-1)/2, (S-1)/2); ' +
  'multiples of 90 are exact pixel permutations, other angles bilinear with zero outside';

export interface DatasetArrays {
  /** count * size * size pixels, 0..255. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly angles: Float32Array;
  readonly sourceIndices: Uint32Array;
}

export type DatasetFileKey = 'images' | 'labels' | 'angles' | 'sourceIndices';

export interface DatasetFileEntry {
  readonly path: string;
  readonly dtype: 'uint8' | 'float32' | 'uint32';
  /** Byte order of multi-byte types; always little-endian. */
  readonly endian: 'little';
  readonly shape: readonly number[];
  readonly bytes: number;
  readonly sha256: string;
}

/** What a dataset is made of, besides its arrays (written into the manifest). */
export interface DatasetDescription {
  readonly name: string;
  readonly size: number;
  /** The MNIST file the digits come from. */
  readonly sourceSplit: 'train' | 'test';
  readonly rotation: RotationSpec;
  /** Sub-samples per axis used for non-multiples of 90 degrees. */
  readonly supersample: number;
  /** For grid rotations: image i of the source at grid angle a is item i * anglesPerImage + a. */
  readonly anglesPerImage: number;
  readonly padding: Padding;
  /** Seed of the random stream that drew this set's digits and angles (derived from params.seed and the set's name). */
  readonly setSeed: number;
  readonly params: DataParams;
}

export interface DatasetManifest extends DatasetDescription {
  readonly format: typeof DATASET_FORMAT;
  readonly formatVersion: typeof DATASET_FORMAT_VERSION;
  readonly count: number;
  /** Images per class 0..9. */
  readonly countsPerClass: readonly number[];
  readonly pixels: { readonly dtype: 'uint8'; readonly min: 0; readonly max: 255; readonly layout: string };
  readonly angleConvention: string;
  readonly files: Readonly<Record<DatasetFileKey, DatasetFileEntry>>;
}

export interface Dataset extends DatasetArrays {
  readonly manifest: DatasetManifest;
  readonly dir: string;
}

const FILE_NAMES: Record<DatasetFileKey, string> = {
  images: 'images.u8',
  labels: 'labels.u8',
  angles: 'angles.f32',
  sourceIndices: 'source-indices.u32',
};
const MANIFEST = 'manifest.json';

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

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stable JSON for manifests: two-space indent and a final newline. */
export function manifestJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
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
  for (const key of Object.keys(FILE_NAMES) as DatasetFileKey[]) {
    const { bytes, dtype, shape } = payload[key];
    files[key] = { path: FILE_NAMES[key], dtype, endian: 'little', shape, bytes: bytes.length, sha256: sha256(bytes) };
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
    for (const key of Object.keys(FILE_NAMES) as DatasetFileKey[]) writeFileSynced(join(tmp, FILE_NAMES[key]), payload[key].bytes);
    writeFileSynced(join(tmp, MANIFEST), manifestJson(manifest));
  });
  return manifest;
}

export interface ReadDatasetOptions {
  /** Recompute and compare sha256 of every file (default true; about 0.1 s per 100 MB). */
  readonly verifyChecksums?: boolean;
  /** Replaces DEFAULT_REBUILD_HINT in error messages. */
  readonly rebuildHint?: string;
}

function readManifestFile(dir: string, hint: string): unknown {
  if (!existsSync(dir)) throw new ArtifactMissingError(dir, 'does not exist', hint);
  if (!statSync(dir).isDirectory()) throw new ArtifactMissingError(dir, 'is not a folder', hint);
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) {
    throw new ArtifactMissingError(dir, `has no ${MANIFEST}, so the build that wrote it did not finish`, hint);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ArtifactCorruptError(dir, `${MANIFEST} is not valid JSON`, hint, { cause });
  }
}

function checkManifest(raw: unknown, dir: string, hint: string): DatasetManifest {
  const m = raw as Partial<DatasetManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== DATASET_FORMAT) {
    throw new ArtifactCorruptError(dir, `${MANIFEST} is not a ${DATASET_FORMAT} manifest`, hint);
  }
  if (m.formatVersion !== DATASET_FORMAT_VERSION) {
    throw new ArtifactCorruptError(dir, `was written in format version ${String(m.formatVersion)}; this code reads version ${DATASET_FORMAT_VERSION}`, hint);
  }
  const count = m.count;
  const size = m.size;
  if (!Number.isInteger(count) || !Number.isInteger(size) || m.files === undefined) {
    throw new ArtifactCorruptError(dir, `${MANIFEST} lacks count, size or files`, hint);
  }
  const expectedBytes: Record<DatasetFileKey, number> = {
    images: count! * size! * size!,
    labels: count!,
    angles: 4 * count!,
    sourceIndices: 4 * count!,
  };
  for (const key of Object.keys(FILE_NAMES) as DatasetFileKey[]) {
    const entry = m.files[key];
    if (entry === undefined || entry.path !== FILE_NAMES[key] || entry.bytes !== expectedBytes[key] || typeof entry.sha256 !== 'string') {
      throw new ArtifactCorruptError(dir, `${MANIFEST} entry for ${FILE_NAMES[key]} is missing or disagrees with count ${count} and size ${size}`, hint);
    }
  }
  return m as DatasetManifest;
}

/** Reads a dataset folder written by `writeDataset`, validating its manifest and (by default) checksums. */
export function readDataset(dir: string, options: ReadDatasetOptions = {}): Dataset {
  const hint = options.rebuildHint ?? DEFAULT_REBUILD_HINT;
  const manifest = checkManifest(readManifestFile(dir, hint), dir, hint);
  const bytes = {} as Record<DatasetFileKey, Uint8Array>;
  for (const key of Object.keys(FILE_NAMES) as DatasetFileKey[]) {
    const entry = manifest.files[key];
    const path = join(dir, entry.path);
    if (!existsSync(path)) throw new ArtifactMissingError(dir, `lacks ${entry.path}, listed in its manifest`, hint);
    const data = readFileSync(path);
    if (data.length !== entry.bytes) {
      throw new ArtifactCorruptError(dir, `${entry.path} is ${data.length} bytes, its manifest says ${entry.bytes} (truncated or overwritten)`, hint);
    }
    if (options.verifyChecksums !== false && sha256(data) !== entry.sha256) {
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

export const DATASETS_FORMAT = 'sgvae-datasets';

export interface DatasetsIndexEntry {
  readonly name: string;
  /** Folder of the set, relative to the datasets folder. */
  readonly dir: string;
  readonly count: number;
  readonly countsPerClass: readonly number[];
  /** sha256 of the set's manifest.json, which in turn pins every file of the set. */
  readonly manifestSha256: string;
}

/** The top-level manifest of a datasets folder, written after every set is in place. */
export interface DatasetsIndex {
  readonly format: typeof DATASETS_FORMAT;
  readonly formatVersion: typeof DATASET_FORMAT_VERSION;
  readonly params: DataParams;
  readonly padding: Padding;
  readonly sources: Readonly<Record<'train' | 'test', SourceProvenance>>;
  readonly sets: readonly DatasetsIndexEntry[];
}

/** Where the digits of one MNIST split came from. */
export interface SourceProvenance {
  readonly images: { readonly file: string; readonly sha256: string } | null;
  readonly labels: { readonly file: string; readonly sha256: string } | null;
  readonly count: number;
}

export function datasetsIndexPath(outDir: string): string {
  return join(outDir, MANIFEST);
}

/**
 * Where a datasets folder records the code that built it. A file of its own,
 * outside every manifest: the pipeline leaves it out of the hashes of the
 * stages that read the datasets, so that a commit which rebuilds the datasets
 * byte for byte does not retrain the models.
 */
export const PROVENANCE_FILE = 'provenance.json';

export interface DatasetsProvenance {
  /** Commit (+dirty) of the code that built the folder, or `unknown`. */
  readonly codeVersion: string;
}

/**
 * Reads the top-level manifest of a datasets folder and checks that every set
 * it lists is present with the manifest it was built with.
 */
export function readDatasetsIndex(outDir: string, options: Pick<ReadDatasetOptions, 'rebuildHint'> = {}): DatasetsIndex {
  const hint = options.rebuildHint ?? DEFAULT_REBUILD_HINT;
  const raw = readManifestFile(outDir, hint) as Partial<DatasetsIndex> | null;
  if (raw === null || typeof raw !== 'object' || raw.format !== DATASETS_FORMAT || raw.formatVersion !== DATASET_FORMAT_VERSION || !Array.isArray(raw.sets)) {
    throw new ArtifactCorruptError(outDir, `${MANIFEST} is not a ${DATASETS_FORMAT} v${DATASET_FORMAT_VERSION} manifest`, hint);
  }
  for (const entry of raw.sets) {
    const path = join(outDir, entry.dir, MANIFEST);
    if (!existsSync(path)) throw new ArtifactMissingError(join(outDir, entry.dir), `is listed in ${datasetsIndexPath(outDir)} but has no ${MANIFEST}`, hint);
    if (sha256(readFileSync(path)) !== entry.manifestSha256) {
      throw new ArtifactCorruptError(join(outDir, entry.dir), `its ${MANIFEST} is not the one ${datasetsIndexPath(outDir)} was built with (mixed builds)`, hint);
    }
  }
  return raw as DatasetsIndex;
}

/** Reads one set by name from a datasets folder, after checking the top-level manifest lists it. */
export function readDatasetFrom(outDir: string, name: string, options: ReadDatasetOptions = {}): Dataset {
  const index = readDatasetsIndex(outDir, options);
  const entry = index.sets.find((s) => s.name === name);
  if (entry === undefined) {
    throw new ArtifactMissingError(
      join(outDir, name),
      `is not among the sets of ${datasetsIndexPath(outDir)} (${index.sets.map((s) => s.name).join(', ')}); add it to the data params`,
      options.rebuildHint ?? DEFAULT_REBUILD_HINT,
    );
  }
  return readDataset(join(outDir, entry.dir), options);
}
