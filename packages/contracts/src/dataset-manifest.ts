// The data stage's manifests: what a datasets folder holds, as the training
// and evaluation stages read it.
//
//   <out>/manifest.json          DatasetsIndex: params, padding, MNIST sources, the sets; written last
//   <out>/provenance.json        DatasetsProvenance: the code version that built the folder
//   <out>/<set>/manifest.json    DatasetManifest: shape, counts, rotation, seed, sha256 of every file
//   <out>/<set>/images.u8 ...    the arrays (read and written by @sgvae/data)
//
// Both manifests carry `format` and `formatVersion`; readers check every field
// they type and ignore fields they do not know (manifests written by earlier
// commits also held a `codeVersion`). Writers emit two-space JSON with a final
// newline, in the key order of the object given, so the same build gives the
// same bytes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically, writeFileSynced } from './atomic-write.ts';
import { ArtifactCorruptError, ArtifactMissingError } from './errors.ts';
import { type JsonObject, JsonFields } from './json-fields.ts';

export const DATASET_FORMAT = 'sgvae-dataset';
export const DATASETS_FORMAT = 'sgvae-datasets';
/** Version of both dataset manifests. */
export const DATASET_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/**
 * Where a datasets folder records the code that built it. A file of its own,
 * outside every manifest: the pipeline leaves it out of the hashes of the
 * stages that read the datasets, so that a commit which rebuilds the datasets
 * byte for byte does not retrain the models.
 */
export const PROVENANCE_FILE = 'provenance.json';

/** Appended to every "missing or broken dataset" error: which stage rebuilds it. */
export const DEFAULT_REBUILD_HINT =
  'The `build-datasets` stage writes it: run `npx nx run pipeline--build-datasets:run` ' +
  '(or `<profile>--build-datasets:run` for another pipeline profile), or directly ' +
  '`npx tsx packages/data/src/cli.ts --params <data-params.yaml> --out <dir>`.';

export const ANGLE_CONVENTION =
  'degrees; positive = counter-clockwise as displayed (row 0 at the top); about the pixel ((S-1)/2, (S-1)/2); ' +
  'multiples of 90 are exact pixel permutations, other angles bilinear with zero outside';

/** How the images of a set are turned (degrees, counter-clockwise as displayed). */
export type RotationSpec =
  /** Upright: every angle is 0. */
  | { readonly kind: 'none' }
  /** One angle per image, uniform in [min, max). */
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** Every image at every angle min, min + step, ... < max (image-major: image i, then all its angles). */
  | { readonly kind: 'grid'; readonly step: number; readonly min: number; readonly max: number }
  /** One angle per image, drawn uniformly from a list (e.g. [0, 90, 180, 270] for exact turns). */
  | { readonly kind: 'choice'; readonly angles: readonly number[] };

/**
 * Where an evaluation set takes its digits: `test` is the official MNIST test
 * file (t10k); `heldout` is this build's upright `test` set (the held-out
 * part of the subset, or MNIST test when there is no subset).
 */
export type SetSource = 'test' | 'heldout';

export interface EvalSetParams {
  readonly source: SetSource;
  /** How many source digits to draw (stratified by class); null = all of them. */
  readonly count: number | null;
  /** Keep only these classes; null = all ten. */
  readonly digits: readonly number[] | null;
  readonly rotation: RotationSpec;
}

export interface SubsetParams {
  /** Images drawn from the 60,000 MNIST training digits, stratified by class. */
  readonly total: number;
  /** Share of the subset held out as the upright `test` set (the paper: 1/7). */
  readonly testFraction: number;
}

/** The data stage's params, as validated by @sgvae/data and echoed into both manifests. */
export interface DataParams {
  /** Master seed (uint32); each random choice uses a stream derived from it by name. */
  readonly seed: number;
  /** Side of the padded square images. 4k + 1 (29, 33) suits odd kernels with stride 2. */
  readonly size: number;
  /** The paper's stratified subset of the training digits, or null for all 60,000 (then `test` is MNIST test). */
  readonly subset: SubsetParams | null;
  /** Share of the training part moved to `val`, stratified. */
  readonly validationFraction: number;
  /** Sub-samples per axis when rotating by a non-multiple of 90 degrees. */
  readonly supersample: number;
  /** Extra evaluation sets by name; the upright `train`, `val` and `test` are always built. */
  readonly sets: Readonly<Record<string, EvalSetParams>>;
}

/** Where a rows x cols source image sits inside the S x S grid. */
export interface Padding {
  readonly sourceRows: number;
  readonly sourceCols: number;
  readonly size: number;
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export type DatasetFileKey = 'images' | 'labels' | 'angles' | 'sourceIndices';

/** The files of one set, by key. */
export const DATASET_FILE_NAMES: Readonly<Record<DatasetFileKey, string>> = {
  images: 'images.u8',
  labels: 'labels.u8',
  angles: 'angles.f32',
  sourceIndices: 'source-indices.u32',
};

const DATASET_FILE_DTYPES: Readonly<Record<DatasetFileKey, DatasetFileEntry['dtype']>> = {
  images: 'uint8',
  labels: 'uint8',
  angles: 'float32',
  sourceIndices: 'uint32',
};

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

/** `<set>/manifest.json`. */
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

export interface DatasetsIndexEntry {
  readonly name: string;
  /** Folder of the set, relative to the datasets folder. */
  readonly dir: string;
  readonly count: number;
  readonly countsPerClass: readonly number[];
  /** sha256 of the set's manifest.json, which in turn pins every file of the set. */
  readonly manifestSha256: string;
}

/** Where the digits of one MNIST split came from. */
export interface SourceProvenance {
  readonly images: { readonly file: string; readonly sha256: string } | null;
  readonly labels: { readonly file: string; readonly sha256: string } | null;
  readonly count: number;
}

/** `<out>/manifest.json`: the top-level manifest of a datasets folder, written after every set is in place. */
export interface DatasetsIndex {
  readonly format: typeof DATASETS_FORMAT;
  readonly formatVersion: typeof DATASET_FORMAT_VERSION;
  readonly params: DataParams;
  readonly padding: Padding;
  readonly sources: Readonly<Record<'train' | 'test', SourceProvenance>>;
  readonly sets: readonly DatasetsIndexEntry[];
}

/** `<out>/provenance.json`. */
export interface DatasetsProvenance {
  /** Commit (+dirty) of the code that built the folder, or `unknown`. */
  readonly codeVersion: string;
}

const NUM_CLASSES = 10;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes a manifest is written as: two-space JSON and a final newline. */
export function manifestJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

export function datasetsIndexPath(outDir: string): string {
  return join(outDir, MANIFEST_FILE);
}

/**
 * Writes `<dir>/manifest.json` of one set (fsynced, not renamed: `dir` is a
 * folder being written atomically, and the manifest is its last file).
 * Returns the sha256 of the bytes written, which the index records.
 */
export function writeDatasetManifest(dir: string, manifest: DatasetManifest): string {
  const bytes = manifestJson(manifest);
  writeFileSynced(join(dir, MANIFEST_FILE), bytes);
  return sha256(bytes);
}

/** Writes `<outDir>/manifest.json` atomically: the last file of a build. */
export function writeDatasetsIndex(outDir: string, index: DatasetsIndex): void {
  writeFileAtomically(datasetsIndexPath(outDir), manifestJson(index));
}

/** Writes `<outDir>/provenance.json` atomically. */
export function writeDatasetsProvenance(outDir: string, provenance: DatasetsProvenance): void {
  writeFileAtomically(join(outDir, PROVENANCE_FILE), manifestJson(provenance));
}

/** The parsed manifest.json of a folder, with errors that say whether the folder or its manifest is missing. */
function readManifestJson(dir: string, hint: string): unknown {
  if (!existsSync(dir)) throw new ArtifactMissingError(dir, 'does not exist', hint);
  if (!statSync(dir).isDirectory()) throw new ArtifactMissingError(dir, 'is not a folder', hint);
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new ArtifactMissingError(dir, `has no ${MANIFEST_FILE}, so the build that wrote it did not finish`, hint);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (cause) {
    throw new ArtifactCorruptError(dir, `${MANIFEST_FILE} is not valid JSON`, hint, { cause });
  }
}

function checkRotation(f: JsonFields, value: unknown, field: string): RotationSpec {
  const o = f.object(value, field);
  const kind = f.oneOf(o.kind, `${field}.kind`, ['none', 'uniform', 'grid', 'choice'] as const);
  if (kind === 'uniform') {
    f.number(o.min, `${field}.min`);
    f.number(o.max, `${field}.max`);
  } else if (kind === 'grid') {
    f.number(o.step, `${field}.step`);
    f.number(o.min, `${field}.min`);
    f.number(o.max, `${field}.max`);
  } else if (kind === 'choice') {
    f.array(o.angles, `${field}.angles`).forEach((a, i) => f.number(a, `${field}.angles[${i}]`));
  }
  return o as unknown as RotationSpec;
}

function checkPadding(f: JsonFields, value: unknown, field: string): Padding {
  const o = f.object(value, field);
  for (const k of ['sourceRows', 'sourceCols', 'size', 'top', 'left', 'bottom', 'right']) f.integer(o[k], `${field}.${k}`, 0);
  return o as unknown as Padding;
}

function checkParams(f: JsonFields, value: unknown, field: string): DataParams {
  const o = f.object(value, field);
  f.integer(o.seed, `${field}.seed`, 0);
  f.integer(o.size, `${field}.size`, 1);
  if (o.subset !== null) {
    const s = f.object(o.subset, `${field}.subset`);
    f.integer(s.total, `${field}.subset.total`, 1);
    f.number(s.testFraction, `${field}.subset.testFraction`);
  }
  f.number(o.validationFraction, `${field}.validationFraction`);
  f.integer(o.supersample, `${field}.supersample`, 1);
  const sets = f.object(o.sets, `${field}.sets`);
  for (const [name, set] of Object.entries(sets)) {
    const s = f.object(set, `${field}.sets.${name}`);
    f.oneOf(s.source, `${field}.sets.${name}.source`, ['test', 'heldout'] as const);
    if (s.count !== null) f.integer(s.count, `${field}.sets.${name}.count`, 0);
    if (s.digits !== null) f.array(s.digits, `${field}.sets.${name}.digits`).forEach((d, i) => f.integer(d, `${field}.sets.${name}.digits[${i}]`, 0));
    checkRotation(f, s.rotation, `${field}.sets.${name}.rotation`);
  }
  return o as unknown as DataParams;
}

function checkCounts(f: JsonFields, value: unknown, field: string, total: number): readonly number[] {
  const counts = f.array(value, field);
  if (counts.length !== NUM_CLASSES) f.fail(field, `has ${counts.length} entries, expected one per class 0..9`);
  let sum = 0;
  counts.forEach((c, i) => (sum += f.integer(c, `${field}[${i}]`, 0)));
  if (sum !== total) f.fail(field, `adds up to ${sum}, not the count ${total}`);
  return counts as readonly number[];
}

/**
 * Checks a parsed `<set>/manifest.json` (read from `dir`) field by field and
 * returns it typed; the sizes of the files must agree with count and size.
 */
export function checkDatasetManifest(raw: unknown, dir: string): DatasetManifest {
  const hint = DEFAULT_REBUILD_HINT;
  const m = raw as JsonObject | null;
  if (m === null || typeof m !== 'object' || m.format !== DATASET_FORMAT) {
    throw new ArtifactCorruptError(dir, `${MANIFEST_FILE} is not a ${DATASET_FORMAT} manifest`, hint);
  }
  if (m.formatVersion !== DATASET_FORMAT_VERSION) {
    throw new ArtifactCorruptError(dir, `was written in format version ${String(m.formatVersion)}; this code reads version ${DATASET_FORMAT_VERSION}`, hint);
  }
  const f = new JsonFields(join(dir, MANIFEST_FILE), hint);
  if (!Number.isInteger(m.count) || !Number.isInteger(m.size) || m.files === undefined) {
    throw new ArtifactCorruptError(dir, `${MANIFEST_FILE} lacks count, size or files`, hint);
  }
  const count = f.integer(m.count, 'count', 0);
  const size = f.integer(m.size, 'size', 1);
  f.string(m.name, 'name');
  checkCounts(f, m.countsPerClass, 'countsPerClass', count);
  f.object(m.pixels, 'pixels');
  f.string(m.angleConvention, 'angleConvention');
  const files = f.object(m.files, 'files');
  const expectedBytes: Record<DatasetFileKey, number> = { images: count * size * size, labels: count, angles: 4 * count, sourceIndices: 4 * count };
  for (const key of Object.keys(DATASET_FILE_NAMES) as DatasetFileKey[]) {
    const entry = files[key] as Partial<DatasetFileEntry> | undefined;
    if (entry === undefined || entry === null || entry.path !== DATASET_FILE_NAMES[key] || entry.bytes !== expectedBytes[key] || typeof entry.sha256 !== 'string') {
      throw new ArtifactCorruptError(dir, `${MANIFEST_FILE} entry for ${DATASET_FILE_NAMES[key]} is missing or disagrees with count ${count} and size ${size}`, hint);
    }
    f.oneOf(entry.dtype, `files.${key}.dtype`, [DATASET_FILE_DTYPES[key]]);
    f.oneOf(entry.endian, `files.${key}.endian`, ['little'] as const);
    f.array(entry.shape, `files.${key}.shape`).forEach((d, i) => f.integer(d, `files.${key}.shape[${i}]`, 0));
    if (!/^[0-9a-f]{64}$/.test(entry.sha256)) f.fail(`files.${key}.sha256`, 'is not a sha256 in hex');
  }
  f.oneOf(m.sourceSplit, 'sourceSplit', ['train', 'test'] as const);
  checkRotation(f, m.rotation, 'rotation');
  f.integer(m.supersample, 'supersample', 1);
  const per = f.integer(m.anglesPerImage, 'anglesPerImage', 1);
  if (count % per !== 0) f.fail('anglesPerImage', `is ${per}, which does not divide the count ${count}`);
  checkPadding(f, m.padding, 'padding');
  f.integer(m.setSeed, 'setSeed', 0);
  checkParams(f, m.params, 'params');
  return m as unknown as DatasetManifest;
}

/** Reads and checks `<dir>/manifest.json` of one set. */
export function readDatasetManifest(dir: string): DatasetManifest {
  return checkDatasetManifest(readManifestJson(dir, DEFAULT_REBUILD_HINT), dir);
}

/**
 * Reads the top-level manifest of a datasets folder, checks it field by field
 * and checks that every set it lists is present with the manifest it was
 * built with.
 */
export function readDatasetsIndex(outDir: string): DatasetsIndex {
  const hint = DEFAULT_REBUILD_HINT;
  const raw = readManifestJson(outDir, hint) as JsonObject | null;
  if (raw === null || typeof raw !== 'object' || raw.format !== DATASETS_FORMAT || raw.formatVersion !== DATASET_FORMAT_VERSION || !Array.isArray(raw.sets)) {
    throw new ArtifactCorruptError(outDir, `${MANIFEST_FILE} is not a ${DATASETS_FORMAT} v${DATASET_FORMAT_VERSION} manifest`, hint);
  }
  const f = new JsonFields(datasetsIndexPath(outDir), hint);
  checkParams(f, raw.params, 'params');
  checkPadding(f, raw.padding, 'padding');
  const sources = f.object(raw.sources, 'sources');
  for (const split of ['train', 'test'] as const) {
    const s = f.object(sources[split], `sources.${split}`);
    for (const part of ['images', 'labels'] as const) {
      if (s[part] === null) continue;
      const file = f.object(s[part], `sources.${split}.${part}`);
      f.string(file.file, `sources.${split}.${part}.file`);
      f.string(file.sha256, `sources.${split}.${part}.sha256`);
    }
    f.integer(s.count, `sources.${split}.count`, 0);
  }
  const names = new Set<string>();
  raw.sets.forEach((value: unknown, i: number) => {
    const e = f.object(value, `sets[${i}]`);
    const name = f.string(e.name, `sets[${i}].name`);
    if (names.has(name)) f.fail(`sets[${i}].name`, `repeats the set "${name}"`);
    names.add(name);
    const dir = f.string(e.dir, `sets[${i}].dir`);
    if (dir === '' || dir.split(/[\\/]/).includes('..')) f.fail(`sets[${i}].dir`, `is "${dir}", not a folder inside ${outDir}`);
    checkCounts(f, e.countsPerClass, `sets[${i}].countsPerClass`, f.integer(e.count, `sets[${i}].count`, 0));
    f.string(e.manifestSha256, `sets[${i}].manifestSha256`);
  });
  const index = raw as unknown as DatasetsIndex;
  for (const entry of index.sets) {
    const path = join(outDir, entry.dir, MANIFEST_FILE);
    if (!existsSync(path)) throw new ArtifactMissingError(join(outDir, entry.dir), `is listed in ${datasetsIndexPath(outDir)} but has no ${MANIFEST_FILE}`, hint);
    if (sha256(readFileSync(path)) !== entry.manifestSha256) {
      throw new ArtifactCorruptError(join(outDir, entry.dir), `its ${MANIFEST_FILE} is not the one ${datasetsIndexPath(outDir)} was built with (mixed builds)`, hint);
    }
  }
  return index;
}
