// What both training stages share: options, datasets, the resume key, the
// summary line.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ArtifactError, type NumericsProvenance, readDatasetsIndex, type TrainManifest } from '@sgvae/contracts';
import { RandomRotation, readDatasetFrom } from '@sgvae/data';
import { ImageBatches, type ImageSet } from '../batching/image-batches.ts';
import { TrainDataError } from '../errors.ts';
import type { AfterEpochInfo, LoopOptions, LoopResult } from '../loop/train-loop.ts';
import type { MetricsRow } from '../observe/metrics-files.ts';
import type { ProgressReporter } from '../observe/progress.ts';
import { formatDuration } from '../observe/progress.ts';
import type { ScalarWriterFactory } from '../observe/tensorboard.ts';
import { canonicalJson } from '../params/canonical-json.ts';
import { NON_SEMANTIC_PARAMS } from '../params/stage-params.ts';

export interface StageOptions {
  /** The stage's params as read from its file (validated and completed here). */
  params: unknown;
  /** Named in params errors. */
  paramsFile?: string;
  /** Datasets folder written by the data stage (its manifest.json lists the sets). */
  dataDir: string;
  /** Output folder, replaced whole at the end. */
  outDir: string;
  /** Resume folder; default `<outDir>.checkpoint`. */
  checkpointDir?: string;
  /** Discard the checkpoint folder's run instead of resuming it. */
  restart?: boolean;
  /** Start over when the checkpoint folder's run was made with other inputs (pipelines). */
  restartIfChanged?: boolean;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  scalarWriterFactory?: ScalarWriterFactory;
  /** Commit (+dirty) recorded in the manifest and checkpoints. */
  codeVersion?: string;
  /**
   * Digest of the code that runs (`sourceFingerprint` of @sgvae/contracts).
   * Part of the resume key: a checkpoint that other code wrote is never resumed.
   */
  codeFingerprint?: string;
  /** Backend name recorded in the manifest. */
  backend?: string;
  /** Machine facts that change the float rounding, recorded in the manifest. */
  numerics?: NumericsProvenance;
  /** Sentence telling how to resume, for interrupt messages. */
  resumeHint?: string;
  /** Called after each epoch's checkpoint (tests use it to stop or corrupt a run). */
  afterEpoch?: (info: AfterEpochInfo) => void | Promise<void>;
}

export interface StageResult {
  manifest: TrainManifest;
  outDir: string;
  loop: LoopResult;
  /** One line: what was trained, the best epoch, its scores, time and speed. */
  summary: string;
}

export function defaultCheckpointDir(outDir: string): string {
  return `${outDir.replace(/[\\/]+$/, '')}.checkpoint`;
}

export interface LoadedSet {
  set: ImageSet;
  /** sha256 of the set's manifest (pins every byte of the set). */
  manifestSha256: string;
  name: string;
}

/** Reads set `name` of a datasets folder, keeping the first `max` images (0: all). */
export function loadSet(dataDir: string, name: string, max: number, withLabels: boolean): LoadedSet {
  let index;
  try {
    index = readDatasetsIndex(dataDir);
  } catch (cause) {
    if (cause instanceof ArtifactError) {
      throw new TrainDataError(`cannot read the datasets at ${dataDir}: ${cause.message}`, { cause });
    }
    throw cause;
  }
  const entry = index.sets.find((s) => s.name === name);
  if (entry === undefined) {
    throw new TrainDataError(
      `${join(dataDir, name)}: no set "${name}" in ${dataDir} (it has ${index.sets.map((s) => s.name).join(', ')}); ` +
        'fix the stage params (trainSet, validationSet, testSet) or the data params',
    );
  }
  const ds = readDatasetFrom(dataDir, name);
  const size = ds.manifest.size;
  const count = max > 0 ? Math.min(max, ds.manifest.count) : ds.manifest.count;
  const area = size * size;
  const set: ImageSet = {
    images: count === ds.manifest.count ? ds.images : ds.images.subarray(0, count * area),
    labels: withLabels ? (count === ds.manifest.count ? ds.labels : ds.labels.subarray(0, count)) : undefined,
    count,
    size,
  };
  return { set, manifestSha256: entry.manifestSha256, name };
}

/**
 * The identity of a run for resuming: everything that changes what is
 * computed (the code, params except `NON_SEMANTIC_PARAMS`, the data's
 * manifests, the model config). A checkpoint with another key is refused.
 */
export function resumeKey(
  kind: string,
  params: Record<string, unknown>,
  data: readonly LoadedSet[],
  config: unknown,
  codeFingerprint: string | undefined,
): string {
  const semantic = Object.fromEntries(Object.entries(params).filter(([k]) => !NON_SEMANTIC_PARAMS.includes(k)));
  const identity = canonicalJson({
    kind,
    params: semantic,
    data: data.map((d) => [d.name, d.manifestSha256, d.set.count]),
    config,
    code: codeFingerprint ?? null,
  });
  return createHash('sha256').update(identity).digest('hex');
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

export function summaryLine(label: string, outDir: string, loop: LoopResult, shown: readonly string[], extra = ''): string {
  const best: MetricsRow = loop.best.row;
  const epochs = loop.rows.length;
  const totalTrain = loop.rows.reduce((s, r) => s + (r.trainSeconds ?? 0), 0);
  const totalVal = loop.rows.reduce((s, r) => s + (r.validationSeconds ?? 0), 0);
  const speed = loop.rows.reduce((s, r) => s + (r.imagesPerSec ?? 0), 0) / Math.max(1, epochs);
  const scores = shown.filter((k) => best[k] !== undefined).map((k) => `${k} ${fmt(best[k])}`).join(', ');
  return (
    `${label}: best epoch ${loop.best.epoch}/${epochs} (${scores})${extra} | ` +
    `${formatDuration(totalTrain + totalVal)} over ${epochs} epochs, ${speed.toFixed(0)} img/s` +
    `${loop.resumedFrom === undefined ? '' : ' (resumed)'} | wrote ${outDir}`
  );
}

/** The params that the VAE and judge stages hand to the training loop alike. */
export interface LoopParams {
  epochs: number;
  batchSize: number;
  evalBatchSize: number;
  seed: number;
  learningRate: number;
  lrDecay: number;
  minLearningRate: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  readbackEvery: number;
  checkpointMinutes: number;
}

/**
 * Training and validation batches; `rotationDegrees > 0` rotates each training
 * image by a uniform random angle. `uprightTargets`: the batches also carry
 * the images before the turn, for a model asked to reconstruct them.
 */
export function stageBatches(
  train: LoadedSet,
  validation: LoadedSet,
  params: LoopParams,
  rotationDegrees: number,
  uprightTargets = false,
): { train: ImageBatches; validation: ImageBatches; augmentation: string } {
  const augment =
    rotationDegrees > 0
      ? new RandomRotation({ rotation: { kind: 'uniform', min: -rotationDegrees, max: rotationDegrees } })
      : undefined;
  return {
    train: new ImageBatches(
      train.set,
      params.batchSize,
      augment === undefined ? undefined : (px, n, size, rng) => augment.apply(px, n, size, rng),
      uprightTargets,
    ),
    validation: new ImageBatches(validation.set, params.evalBatchSize),
    augmentation: augment === undefined ? 'none' : `${augment.name}${uprightTargets ? ', upright targets' : ''}`,
  };
}

/** Loop options shared by both stages: schedule, optimizer, checkpointing and observers. */
export function stageLoopOptions(
  params: LoopParams & Record<string, unknown>,
  options: StageOptions,
  checkpointDir: string,
  key: string,
): LoopOptions {
  return {
    epochs: params.epochs,
    batchSize: params.batchSize,
    evalBatchSize: params.evalBatchSize,
    seed: params.seed,
    schedule: { initial: params.learningRate, gamma: params.lrDecay, min: params.minLearningRate },
    optimizer: { beta1: params.beta1, beta2: params.beta2, weightDecay: params.weightDecay },
    checkpointDir,
    resumeKey: key,
    codeFingerprint: options.codeFingerprint,
    params,
    codeVersion: options.codeVersion ?? 'unknown',
    readbackEvery: params.readbackEvery,
    checkpointEverySeconds: params.checkpointMinutes * 60,
    restart: options.restart,
    restartIfChanged: options.restartIfChanged,
    signal: options.signal,
    progress: options.progress,
    scalarWriterFactory: options.scalarWriterFactory,
    resumeHint: options.resumeHint,
    afterEpoch: options.afterEpoch,
  };
}
