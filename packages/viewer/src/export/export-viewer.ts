// The export stage as a function: datasets + trained VAEs in, a static web
// page out (see ../format.ts for the layout). Everything is computed in
// memory first, then written into a temporary sibling of the output folder
// that is renamed into place, so a failed export never leaves a half-written
// viewer.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { ContractError, readDatasetsIndex, readTrainManifest, rotateImage, writeFolderAtomically, type TrainManifest } from '@sgvae/contracts';
import { readDatasetFrom, type Dataset } from '@sgvae/data';
import { ArtifactError, PoseAligner, loadVae, type EvalParams, type TfVaeRunner } from '@sgvae/eval';
import {
  DIGITS_FILE,
  REFERENCE_FILE,
  VIEWER_FORMAT,
  VIEWER_FORMAT_VERSION,
  VIEWER_MANIFEST_FILE,
  encodeDigits,
  encodeFloat32,
  rebuildCommand,
  type Digits,
  type FileEntry,
  type LatentView,
  type ReferenceCase,
  type ViewerManifest,
  type ViewerModel,
} from '../format.ts';
import { cosine, pca2 } from '../latent.ts';
import { bundleForBrowser, pageStaticFiles, wasmFiles } from './bundle.ts';
import { ViewerExportError } from './errors.ts';

export interface ModelSpec {
  name: string;
  dir: string;
}

export interface ExportOptions {
  dataDir: string;
  models: readonly ModelSpec[];
  outDir: string;
  /** Pipeline name (smoke, pipeline, paper): the page names the command that rebuilds it. */
  pipeline: string;
  /** Code version to record (formatCodeVersion of @sgvae/contracts). */
  codeVersion: string;
  /** The eval stage's params: the upright test set's name and the pose search. */
  evalParams: Pick<EvalParams, 'datasets' | 'pose'>;
  /** Test digits to export (about evenly per class). Default 300. */
  digits?: number;
  /** Reference angles computed with tfjs-node for the parity test. */
  referenceAngles?: readonly number[];
  /** Classes whose first exported digit is a reference digit. */
  referenceClasses?: readonly number[];
  log?: (line: string) => void;
}

export const DEFAULT_DIGITS = 300;
export const DEFAULT_REFERENCE_ANGLES = [0, 35, 90, -130, 170] as const;
export const DEFAULT_REFERENCE_CLASSES = [6, 9, 7] as const;
const MODEL_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const BATCH = 100;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface OutFile {
  path: string;
  bytes: Uint8Array;
}

function entryOf(f: OutFile): FileEntry {
  return { path: f.path, bytes: f.bytes.length, sha256: sha256(f.bytes) };
}

/** `total` digits (or all there are): the first ceil(total / 10) of each class, topped up with the next ones; in dataset order. */
export function pickDigits(labels: Uint8Array, total: number): number[] {
  if (!Number.isInteger(total) || total < 1) throw new ViewerExportError(`--digits must be a positive integer, got ${total}`);
  const perClass = Math.ceil(total / 10);
  const taken = new Array<number>(10).fill(0);
  const picked: number[] = [];
  const chosen = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length && picked.length < total; i++) {
    const l = labels[i]!;
    if (taken[l]! < perClass) {
      taken[l]!++;
      chosen[i] = 1;
      picked.push(i);
    }
  }
  // Classes with fewer digits than their share leave room: fill it in dataset order.
  for (let i = 0; i < labels.length && picked.length < total; i++) if (!chosen[i]) picked.push(i);
  return picked.sort((a, b) => a - b);
}

function takeDigits(set: Dataset, picked: readonly number[]): Digits {
  const size = set.manifest.size;
  const px = size * size;
  const images = new Uint8Array(picked.length * px);
  picked.forEach((i, k) => images.set(set.images.subarray(i * px, (i + 1) * px), k * px));
  return {
    count: picked.length,
    size,
    indices: Uint32Array.from(picked),
    labels: Uint8Array.from(picked, (i) => set.labels[i]!),
    images,
  };
}

function toFloat(u8: Uint8Array): Float32Array {
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = u8[i]! / 255;
  return out;
}

/**
 * Whether the evaluation's pose estimate (align the turned reconstruction with
 * the input) measures anything for this model: only when its reconstructions
 * are meant to be upright whatever the input's pose.
 */
export function poseAvailability(kind: string, manifest: TrainManifest): ViewerModel['pose'] {
  if (kind === 'sgvae' || kind === 'sgvae-so2') return { available: true };
  const params = manifest.params as unknown as Record<string, unknown> | undefined;
  if (kind === 'svae-aug' && params?.augmentTarget === 'upright') return { available: true };
  if (kind === 'svae-aug') {
    return { available: false, reason: 'trained to reconstruct digits in the pose it sees them, so its reconstruction is no upright template to measure the turn against' };
  }
  return {
    available: false,
    reason: 'its encoder is not rotation-invariant: the reconstruction of a turned digit is no upright template to measure the turn against (the report scores it anyway; its error is near chance, 90°)',
  };
}

/** The train manifest without the machine path of the datasets it read (only the folder's name is kept). */
function publicManifest(manifest: TrainManifest): TrainManifest {
  const copy = JSON.parse(JSON.stringify(manifest)) as { data?: Record<string, unknown> };
  if (copy.data && typeof copy.data === 'object' && typeof copy.data.dir === 'string') copy.data.dir = posix.basename(copy.data.dir.replace(/\\/g, '/'));
  return copy as unknown as TrainManifest;
}

/** model.json and the weight files it names, as files of the viewer under `prefix`. */
async function modelFiles(modelJsonPath: string, prefix: string): Promise<OutFile[]> {
  const json = await readFile(modelJsonPath);
  let parsed: { weightsManifest?: { paths?: string[] }[] };
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (cause) {
    throw new ViewerExportError(`${modelJsonPath} is not valid JSON`, { cause });
  }
  const files: OutFile[] = [{ path: `${prefix}/model.json`, bytes: json }];
  for (const group of parsed.weightsManifest ?? []) {
    for (const p of group.paths ?? []) {
      if (p.includes('..') || p.startsWith('/')) throw new ViewerExportError(`${modelJsonPath} names the weight file "${p}" outside its folder`);
      files.push({ path: posix.join(prefix, p), bytes: readFileSync(join(dirname(modelJsonPath), p)) });
    }
  }
  return files;
}

interface LoadedModel {
  spec: ModelSpec;
  manifest: TrainManifest;
  runner: TfVaeRunner;
}

async function loadModel(spec: ModelSpec, pipeline: string): Promise<LoadedModel> {
  const retrain = `Train it first: \`npx nx run ${pipeline}--train-vae@${spec.name}:run\` (or pass the folder the train stage wrote).`;
  let manifest: TrainManifest;
  let runner: TfVaeRunner;
  try {
    manifest = await readTrainManifest(spec.dir);
    runner = await loadVae(spec.dir, { name: spec.name, batchSize: BATCH });
  } catch (cause) {
    if (cause instanceof ArtifactError || cause instanceof ContractError) throw new ViewerExportError(`model "${spec.name}": ${cause.message} ${retrain}`, { cause });
    throw cause;
  }
  return { spec, manifest, runner };
}

async function encode(runner: TfVaeRunner, images: Float32Array, count: number): Promise<{ mu: Float32Array; kappa: Float32Array }> {
  const e = await runner.encode(images, count);
  if (e.mu.length !== count * runner.latentDim) throw new ViewerExportError(`model "${runner.name}": the encoder gave ${e.mu.length} mu values for ${count} images of latent dimension ${runner.latentDim}`);
  return e;
}

/** Builds the viewer folder; returns its manifest. */
export async function exportViewer(o: ExportOptions): Promise<ViewerManifest> {
  const log = o.log ?? (() => {});
  if (o.models.length === 0) throw new ViewerExportError('no model to export: pass --models <name>=<dir>');
  const names = new Set<string>();
  for (const m of o.models) {
    if (!MODEL_NAME.test(m.name)) throw new ViewerExportError(`model name "${m.name}" must be lower-case letters, digits, "-" or "_" (it names a folder and a URL)`);
    if (names.has(m.name)) throw new ViewerExportError(`model "${m.name}" is given twice`);
    names.add(m.name);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(o.pipeline)) throw new ViewerExportError(`--pipeline "${o.pipeline}" is not a pipeline name`);
  const angles = [...(o.referenceAngles ?? DEFAULT_REFERENCE_ANGLES)];
  if (!angles.every((a) => Number.isFinite(a))) throw new ViewerExportError('reference angles must be finite numbers of degrees');

  log(`read datasets from ${o.dataDir}`);
  const setName = o.evalParams.datasets.upright;
  readDatasetsIndex(o.dataDir);
  const test = readDatasetFrom(o.dataDir, setName);
  const size = test.manifest.size;
  const supersample = test.manifest.supersample;
  const digits = takeDigits(test, pickDigits(test.labels, o.digits ?? DEFAULT_DIGITS));
  const px = size * size;
  const digitImages = toFloat(digits.images);

  const refDigits: number[] = [];
  for (const c of o.referenceClasses ?? DEFAULT_REFERENCE_CLASSES) {
    const k = digits.labels.indexOf(c);
    if (k >= 0) refDigits.push(k);
  }
  if (refDigits.length === 0) refDigits.push(0);
  const cases: { digit: number; angle: number; input: Float32Array }[] = [];
  for (const digit of refDigits) {
    for (const angle of angles) {
      const turned = rotateImage(digits.images.subarray(digit * px, (digit + 1) * px), size, angle, { supersample });
      cases.push({ digit, angle, input: toFloat(turned) });
    }
  }
  const caseInputs = new Float32Array(cases.length * px);
  cases.forEach((c, i) => caseInputs.set(c.input, i * px));
  const uprightInputs = new Float32Array(refDigits.length * px);
  refDigits.forEach((d, i) => uprightInputs.set(digitImages.subarray(d * px, (d + 1) * px), i * px));

  const aligner = new PoseAligner(size, { coarseStepDeg: o.evalParams.pose.coarseStepDeg, refineStepDeg: o.evalParams.pose.refineStepDeg });
  const files: OutFile[] = [];
  const models: ViewerModel[] = [];
  const references: ReferenceCase[] = cases.map((c) => ({ digit: c.digit, angle: c.angle, models: {} }));
  const referenceRecon = new Float32Array(cases.length * o.models.length * px);

  for (const [mi, spec] of o.models.entries()) {
    log(`model ${spec.name}: load ${spec.dir}`);
    const { manifest, runner } = await loadModel(spec, o.pipeline);
    try {
      if (runner.imageSize !== size) {
        throw new ViewerExportError(`model "${spec.name}" takes ${runner.imageSize}x${runner.imageSize} images but the "${setName}" set of ${o.dataDir} is ${size}x${size}; export models and datasets of one pipeline`);
      }
      const dim = runner.latentDim;
      const pose = poseAvailability(runner.kind, manifest);
      log(`model ${spec.name}: mu of ${digits.count} test digits, ${cases.length} reference cases`);
      const all = await encode(runner, digitImages, digits.count);
      const refs = await encode(runner, caseInputs, cases.length);
      const up = await encode(runner, uprightInputs, refDigits.length);
      const recon = await runner.decode(refs.mu, cases.length);
      cases.forEach((c, i) => {
        const mu = refs.mu.subarray(i * dim, (i + 1) * dim);
        const u = refDigits.indexOf(c.digit);
        const muUp = up.mu.subarray(u * dim, (u + 1) * dim);
        const r = recon.subarray(i * px, (i + 1) * px);
        const est = pose.available ? aligner.estimate(c.input, r) : null;
        references[i]!.models[spec.name] = {
          mu: Array.from(mu),
          kappa: refs.kappa[i]!,
          cosine: cosine(mu, muUp),
          pose: est === null ? null : est.angle,
          poseCorrelation: est === null ? null : est.correlation,
        };
        referenceRecon.set(r, (i * o.models.length + mi) * px);
      });
      let latentView: LatentView = { kind: 'sphere' };
      if (dim !== 3) {
        const p = pca2(all.mu, dim);
        latentView = { kind: 'pca', mean: p.mean, components: p.components, explained: p.explained };
      }
      const latents: OutFile = { path: `latents/${spec.name}.f32`, bytes: encodeFloat32(all.mu) };
      const prefix = `models/${spec.name}`;
      const rel = (role: string) => manifest.models[role];
      const encRel = rel('encoder');
      const decRel = rel('decoder');
      if (typeof encRel !== 'string' || typeof decRel !== 'string') throw new ViewerExportError(`${join(spec.dir, 'manifest.json')} lists no encoder or decoder`);
      const encoder = await modelFiles(join(spec.dir, encRel), `${prefix}/encoder`);
      const decoder = await modelFiles(join(spec.dir, decRel), `${prefix}/decoder`);
      const publicCopy = { ...publicManifest(manifest), models: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' } };
      const manifestFile: OutFile = { path: `${prefix}/manifest.json`, bytes: new TextEncoder().encode(`${JSON.stringify(publicCopy, null, 2)}\n`) };
      files.push(latents, ...encoder, ...decoder, manifestFile);
      models.push({
        name: spec.name,
        label: runner.label,
        kind: runner.kind,
        latentDim: dim,
        imageSize: size,
        encoder: encoder.map(entryOf),
        decoder: decoder.map(entryOf),
        manifest: entryOf(manifestFile),
        encoderUrl: `${prefix}/encoder/model.json`,
        decoderUrl: `${prefix}/decoder/model.json`,
        pose,
        latents: entryOf(latents),
        latentView,
        trainedBy: runner.trainedWith?.codeVersion ?? null,
      });
    } finally {
      runner.dispose();
    }
  }

  log('bundle the page');
  const bundle = await bundleForBrowser({ define: { __SGVAE_PIPELINE__: JSON.stringify(o.pipeline) } });
  const page: OutFile[] = [{ path: 'main.js', bytes: bundle.code }, ...pageStaticFiles(o.pipeline), ...wasmFiles()];
  const digitsFile: OutFile = { path: DIGITS_FILE, bytes: encodeDigits(digits) };
  const referenceFile: OutFile = { path: REFERENCE_FILE, bytes: encodeFloat32(referenceRecon) };
  files.push(digitsFile, referenceFile, ...page);

  const viewerManifest: ViewerManifest = {
    format: VIEWER_FORMAT,
    formatVersion: VIEWER_FORMAT_VERSION,
    pipeline: o.pipeline,
    codeVersion: o.codeVersion,
    image: {
      size,
      supersample,
      angleConvention: test.manifest.angleConvention,
      padding: { top: test.manifest.padding.top, left: test.manifest.padding.left },
    },
    digits: { ...entryOf(digitsFile), count: digits.count, set: setName },
    pose: { coarseStepDeg: o.evalParams.pose.coarseStepDeg, refineStepDeg: o.evalParams.pose.refineStepDeg },
    models,
    reference: { file: entryOf(referenceFile), cases: references },
    page: page.map(entryOf),
  };
  files.push({ path: VIEWER_MANIFEST_FILE, bytes: new TextEncoder().encode(`${JSON.stringify(viewerManifest, null, 2)}\n`) });

  log(`write ${o.outDir} (${files.length} files)`);
  writeFolderAtomically(o.outDir, (tmp) => writeAll(tmp, files));
  log(`rebuild it with: ${rebuildCommand(o.pipeline)}`);
  return viewerManifest;
}

function writeAll(root: string, files: readonly OutFile[]): void {
  for (const f of files) {
    const target = join(root, ...f.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    // Synced before the folder is renamed into place, like the data stage's files.
    const fd = openSync(target, 'w');
    try {
      let written = 0;
      while (written < f.bytes.length) written += writeSync(fd, f.bytes, written, f.bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
