// The epoch loop shared by the VAE and the judge: batches, one fused
// forward/backward/update per step, losses read back once per
// `readbackEvery` steps, validation, checkpoints, interrupts, metrics.
//
// Reproducibility: every random draw is a function of (seed, purpose, epoch,
// step) -- the epoch's shuffle, the step's augmentation, the step's
// TensorFlow.js randomness (dropout, vMF sampling) -- so a run resumed from a
// checkpoint at (epoch, step) replays exactly what the uninterrupted run
// would have done, and the checkpoint needs no generator state beyond those
// two numbers and the seed.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@sgvae/data';
import { type Batch, ImageBatches, epochPermutation, identityOrder } from '../batching/image-batches.ts';
import { readLatestCheckpoint, writeCheckpoint } from '../checkpoint/checkpoint-store.ts';
import {
  type EncodedWeights,
  type NamedModel,
  decodeTensors,
  encodeModelWeights,
  encodeTensors,
  restoreModelWeights,
} from '../checkpoint/weights.ts';
import { CheckpointError, type LossTerm, NonFiniteLossError, TrainError, TrainingInterruptedError } from '../errors.ts';
import { type MetricsRow, writeMetricsFiles } from '../observe/metrics-files.ts';
import { type ProgressReporter, silentProgress } from '../observe/progress.ts';
import { type ScalarWriter, type ScalarWriterFactory, nullScalarWriter } from '../observe/tensorboard.ts';
import { AdamW, type AdamWOptions } from '../optim/adamw.ts';
import { type LrScheduleOptions, learningRateAt } from '../optim/lr-schedule.ts';
import { seedFor, withSeededRandom } from '../random/seeded-random.ts';
import { installFastGradients } from '../speed/fast-gradients.ts';

/** What the loop needs to know about a model family. */
export interface TrainTask {
  /** `vae` or `judge`; used in messages and to refuse another task's checkpoint. */
  readonly label: string;
  readonly models: readonly NamedModel[];
  /**
   * Names of the per-step statistics, in the order of the `stats` vector.
   * The first is the objective; it also names the validation loss that picks
   * the best model.
   */
  readonly statNames: readonly string[];
  /** Which statistics are loss terms checked for NaN/Inf, and what to call them. */
  readonly lossTerms: Readonly<Record<string, LossTerm>>;
  /** Called before each epoch; returns per-epoch settings to record (e.g. klWeight). */
  beginEpoch(epoch: number): Record<string, number>;
  /**
   * Training-mode forward pass, run inside tf.variableGrads. Returns the
   * objective (a mean over the batch) and the batch means of `statNames`.
   */
  trainLoss(batch: Batch): { loss: tf.Scalar; stats: tf.Tensor1D };
  /** Inference-mode forward pass; returns the batch SUMS of `statNames`. */
  evalSums(batch: Batch): tf.Tensor1D;
}

export interface LoopData {
  train: ImageBatches;
  validation: ImageBatches;
}

export interface AfterEpochInfo {
  /** 0-based index of the epoch just finished. */
  epoch: number;
  row: MetricsRow;
  models: readonly NamedModel[];
  checkpoint: string;
}

export interface LoopOptions {
  epochs: number;
  batchSize: number;
  evalBatchSize: number;
  seed: number;
  schedule: LrScheduleOptions;
  optimizer: Omit<AdamWOptions, 'learningRate'>;
  /** Resume folder: snapshots, live metrics files, TensorBoard logs. */
  checkpointDir: string;
  /** Identifies the run: a checkpoint made with another key is refused. */
  resumeKey: string;
  /**
   * Digest of the code that runs (part of `resumeKey`); stored in checkpoints
   * so that a refused resume can say the code changed.
   */
  codeFingerprint?: string;
  /** Stored in checkpoints for humans. */
  params: unknown;
  codeVersion: string;
  /** Steps between read-backs of the on-device loss history (and NaN checks). */
  readbackEvery: number;
  /**
   * Also checkpoint inside an epoch when this many seconds passed since the
   * last checkpoint (0: only at epoch ends and on interrupt), so that a hard
   * kill loses at most this much work.
   */
  checkpointEverySeconds?: number;
  /** Start over even if the checkpoint folder holds a run. */
  restart?: boolean;
  /**
   * Start over (instead of failing) when the checkpoint folder holds a run
   * made with other code, params, data or model. Pipelines set it: a stage
   * whose inputs changed is a new run, while an interrupted run with the same
   * inputs still resumes.
   */
  restartIfChanged?: boolean;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  scalarWriterFactory?: ScalarWriterFactory;
  /** How to resume, for interrupt messages. */
  resumeHint?: string;
  afterEpoch?: (info: AfterEpochInfo) => void | Promise<void>;
}

export interface BestModel {
  /** 1-based epoch whose weights these are. */
  epoch: number;
  row: MetricsRow;
  weights: EncodedWeights;
}

export interface LoopResult {
  rows: MetricsRow[];
  best: BestModel;
  /** Snapshot the run resumed from, if any. */
  resumedFrom: string | undefined;
  /** Wall time of the training steps over all epochs this process ran, and images processed. */
  trainSeconds: number;
  trainImages: number;
}

interface EpochPartial {
  sums: number[];
  steps: number;
  images: number;
  seconds: number;
}

interface CheckpointMeta {
  label: string;
  resumeKey: string;
  /** Absent in checkpoints written before the code was part of the key. */
  codeFingerprint?: string;
  params: unknown;
  codeVersion: string;
  /** 0-based epoch in progress; equals the number of finished epochs when stepsDone is 0. */
  epoch: number;
  stepsDone: number;
  globalStep: number;
  optimizerStep: number;
  partial: EpochPartial | null;
  rows: MetricsRow[];
  best: { epoch: number; row: MetricsRow } | null;
  rng: { scheme: 'derived-from-seed-epoch-step'; seed: number };
  epochsRequested: number;
}

const TERM_ORDER: readonly LossTerm[] = ['reconstruction', 'kl', 'cross-entropy', 'loss', 'gradients'];

function valName(stat: string): string {
  return `val${stat[0].toUpperCase()}${stat.slice(1)}`;
}

function snapshotName(epoch: number, step: number): string {
  return `e${String(epoch).padStart(4, '0')}-s${String(step).padStart(6, '0')}`;
}

/** The trainable tf.Variables behind the models' layer weights, in a fixed order. */
export function trainableVariables(models: readonly NamedModel[]): tf.Variable[] {
  return models.flatMap(({ model }) => model.trainableWeights.map((w) => w.read() as tf.Variable));
}

export async function runTrainingLoop(task: TrainTask, data: LoopData, options: LoopOptions): Promise<LoopResult> {
  const progress = options.progress ?? silentProgress;
  const { batchSize, epochs, seed } = options;
  installFastGradients();
  const stepsPerEpoch = Math.floor(data.train.set.count / batchSize);
  if (stepsPerEpoch < 1) {
    throw new TrainError(
      `the training set holds ${data.train.set.count} images, fewer than one batch of ${batchSize}; ` +
        'lower batchSize or use more data',
    );
  }
  if (data.validation.set.count < 1) throw new TrainError('the validation set is empty');
  // Training steps report the task's statistics and the gradient norm.
  const trainNames = [...task.statNames, 'gradNorm'];
  const trainTerms: Readonly<Record<string, LossTerm>> = { ...task.lossTerms, gradNorm: 'gradients' };
  const S = trainNames.length;
  const variables = trainableVariables(task.models);
  const optimizer = new AdamW(variables, { learningRate: options.schedule.initial, ...options.optimizer });
  const writer: ScalarWriter = options.scalarWriterFactory?.(join(options.checkpointDir, 'tensorboard')) ?? nullScalarWriter;

  let rows: MetricsRow[] = [];
  let best: BestModel | undefined;
  let epoch = 0;
  let stepsDone = 0;
  let globalStep = 0;
  let partial: EpochPartial | null = null;
  let resumedFrom: string | undefined;
  let lastCheckpoint: string | undefined;
  let savedAt: string | undefined;

  let restored = options.restart
    ? undefined
    : await readLatestCheckpoint<CheckpointMeta>(options.checkpointDir).catch((error: unknown) => {
        optimizer.dispose();
        throw error;
      });
  const why = restored === undefined ? undefined : mismatch(restored.meta, task.label, epochs, options);
  if (restored !== undefined && why !== undefined) {
    if (options.restartIfChanged) {
      options.progress?.message(`starting over: ${restored.path} cannot be resumed, ${why}`);
      restored = undefined;
    } else {
      optimizer.dispose();
      throw restored.meta.label === task.label
        ? new CheckpointError(
            restored.path,
            `cannot resume: ${why}`,
            'Restore the code and params to resume that run, or re-run with --restart (or delete the folder) to start over.',
          )
        : new CheckpointError(restored.path, `holds a ${restored.meta.label} run, not a ${task.label} run`, 'point --checkpoint-dir elsewhere or delete the folder');
    }
  }
  if (restored !== undefined) {
    const m = restored.meta;
    const opt = decodeTensors(restored.blobs.optimizer);
    try {
      restoreModelWeights(task.models, restored.blobs.weights, restored.path);
      optimizer.setState({ step: m.optimizerStep, m: opt.get('m') ?? [], v: opt.get('v') ?? [] });
    } catch (error) {
      optimizer.dispose();
      throw error;
    } finally {
      for (const list of opt.values()) tf.dispose(list);
    }
    rows = m.rows;
    if (m.best !== null) best = { epoch: m.best.epoch, row: m.best.row, weights: restored.blobs.best };
    epoch = m.epoch;
    stepsDone = m.stepsDone;
    globalStep = m.globalStep;
    partial = m.partial;
    resumedFrom = restored.path;
    lastCheckpoint = restored.path;
    savedAt = snapshotName(epoch, stepsDone);
  }

  /** Writes a snapshot of the state "at `atEpoch`, `atStep` steps done" (skipped if that one exists). */
  const checkpoint = async (atEpoch: number, atStep: number, atPartial: EpochPartial | null): Promise<string> => {
    const name = snapshotName(atEpoch, atStep);
    if (name === savedAt && lastCheckpoint !== undefined) return lastCheckpoint;
    const state = optimizer.getState();
    const moments = mergeEncoded(await encodeTensors('m', state.m), await encodeTensors('v', state.v));
    const blobs: Record<string, EncodedWeights> = { weights: await encodeModelWeights(task.models), optimizer: moments };
    if (best !== undefined) blobs.best = best.weights;
    const meta: CheckpointMeta = {
      label: task.label,
      resumeKey: options.resumeKey,
      ...(options.codeFingerprint === undefined ? {} : { codeFingerprint: options.codeFingerprint }),
      params: options.params,
      codeVersion: options.codeVersion,
      epoch: atEpoch,
      stepsDone: atStep,
      globalStep,
      optimizerStep: state.step,
      partial: atPartial,
      rows,
      best: best === undefined ? null : { epoch: best.epoch, row: best.row },
      rng: { scheme: 'derived-from-seed-epoch-step', seed },
      epochsRequested: epochs,
    };
    lastCheckpoint = await writeCheckpoint(options.checkpointDir, name, meta, blobs);
    savedAt = name;
    return lastCheckpoint;
  };

  const interrupted = async (atPartial: EpochPartial): Promise<never> => {
    const path = await checkpoint(epoch, stepsDone, stepsDone === 0 ? null : atPartial);
    const reason = options.signal?.reason instanceof Error ? options.signal.reason.message : String(options.signal?.reason ?? 'stop requested');
    throw new TrainingInterruptedError(
      { epoch: epoch + 1, step: stepsDone, reason },
      path,
      options.resumeHint ?? 'Run the same command again to resume from it.',
    );
  };

  progress.start({ label: task.label, epochs, stepsPerEpoch, startEpoch: epoch, startStep: stepsDone });
  const checkpointEveryMs = (options.checkpointEverySeconds ?? 0) * 1000;
  let lastCheckpointAt = performance.now();
  let totalTrainSeconds = 0;
  let totalTrainImages = 0;
  let valSecondsLast = 0;
  let stepSecondsEstimate = NaN;

  try {
    for (; epoch < epochs; epoch++, stepsDone = 0, partial = null) {
      const lr = learningRateAt(epoch, options.schedule);
      optimizer.learningRate = lr;
      const knobs = task.beginEpoch(epoch);
      const order = epochPermutation(data.train.set.count, seed, epoch);
      const acc: EpochPartial = partial ?? { sums: new Array<number>(S).fill(0), steps: 0, images: 0, seconds: 0 };
      partial = acc;
      let window: tf.Tensor1D[] = [];
      let windowStart = stepsDone;

      const flush = (): void => {
        if (window.length === 0) return;
        // The one host read-back per window: every step's statistics at once.
        const stacked = tf.stack(window);
        const values = stacked.dataSync() as Float32Array;
        tf.dispose([stacked, ...window]);
        for (let k = 0; k < window.length; k++) {
          const bad = nonFiniteTerms(trainNames, trainTerms, values.subarray(k * S, (k + 1) * S));
          if (bad.length > 0) {
            const stats: Record<string, number> = {};
            trainNames.forEach((n, i) => (stats[n] = values[k * S + i]));
            throw new NonFiniteLossError(
              { epoch: epoch + 1, step: windowStart + k + 1, terms: bad, values: stats },
              lastCheckpoint,
            );
          }
          for (let i = 0; i < S; i++) acc.sums[i] += values[k * S + i];
        }
        acc.steps += window.length;
        window = [];
        windowStart = stepsDone;
      };

      let t0 = performance.now();
      try {
        while (stepsDone < stepsPerEpoch) {
          if (options.signal?.aborted) {
            flush();
            acc.seconds += (performance.now() - t0) / 1000;
            t0 = performance.now();
            await interrupted(acc);
          }
          const step = stepsDone;
          const batch = data.train.batch(order, step * batchSize, batchSize, createRng(seedFor(seed, `augment:${epoch}:${step}`)));
          try {
            const stats = trainStep(task, variables, optimizer, batch, seedFor(seed, `step:${epoch}:${step}`));
            window.push(stats);
          } finally {
            batch.x.dispose();
            batch.labels?.dispose();
            batch.target?.dispose();
          }
          stepsDone += 1;
          globalStep += 1;
          acc.images += batchSize;
          if (window.length >= options.readbackEvery || stepsDone === stepsPerEpoch) {
            const before = acc.steps;
            flush();
            const now = performance.now();
            acc.seconds += (now - t0) / 1000;
            t0 = now;
            stepSecondsEstimate = acc.seconds / Math.max(1, acc.steps);
            const running: Record<string, number> = {};
            trainNames.forEach((n, i) => (running[n] = acc.sums[i] / Math.max(1, acc.steps)));
            if (acc.steps > before) {
              writer.scalar('step/loss', acc.sums[0] / acc.steps, globalStep);
            }
            const stepsLeft = (epochs - epoch) * stepsPerEpoch - stepsDone;
            const valFrac = valSecondsLast / Math.max(1e-9, stepSecondsEstimate * stepsPerEpoch);
            progress.tick({
              epoch,
              stepsDone,
              stats: running,
              imagesPerSec: acc.images / Math.max(1e-9, acc.seconds),
              etaSeconds: stepsLeft * stepSecondsEstimate * (1 + valFrac),
            });
            if (checkpointEveryMs > 0 && stepsDone < stepsPerEpoch && now - lastCheckpointAt >= checkpointEveryMs) {
              await checkpoint(epoch, stepsDone, acc);
              lastCheckpointAt = performance.now();
              t0 = lastCheckpointAt;
            }
          }
          // Lets signal handlers and the progress bar run between steps.
          await yieldToEventLoop();
        }
      } finally {
        tf.dispose(window);
      }

      const tv = performance.now();
      const val = evaluate(task, data.validation, options.evalBatchSize, seed);
      valSecondsLast = (performance.now() - tv) / 1000;
      const valLoss = val[task.statNames[0]];
      if (!Number.isFinite(valLoss)) {
        const bad = nonFiniteTerms(task.statNames, task.lossTerms, Float32Array.from(task.statNames.map((n) => val[n])));
        throw new NonFiniteLossError(
          { epoch: epoch + 1, step: stepsPerEpoch, terms: bad.length > 0 ? bad : ['loss'], values: prefixed(val) },
          lastCheckpoint,
        );
      }
      const row: Record<string, number> = { epoch: epoch + 1, lr, ...knobs };
      trainNames.forEach((n, i) => (row[n] = acc.sums[i] / acc.steps));
      for (const n of task.statNames) row[valName(n)] = val[n];
      row.imagesPerSec = acc.images / acc.seconds;
      row.trainSeconds = acc.seconds;
      row.validationSeconds = valSecondsLast;
      totalTrainSeconds += acc.seconds;
      totalTrainImages += acc.images;
      rows = [...rows, row];
      const isBest = best === undefined || valLoss < best.row[valName(task.statNames[0])];
      if (isBest) best = { epoch: epoch + 1, row, weights: await encodeModelWeights(task.models) };
      for (const [k, v] of Object.entries(row)) {
        if (k === 'epoch') continue;
        const tag = trainNames.includes(k) ? `train/${k}` : k.startsWith('val') ? `val/${k.slice(3, 4).toLowerCase()}${k.slice(4)}` : k;
        writer.scalar(tag, v, epoch + 1);
      }
      writer.flush();
      progress.epochDone(row, isBest);
      // The epoch is finished: the checkpoint names the next one, step 0.
      const path = await checkpoint(epoch + 1, 0, null);
      lastCheckpointAt = performance.now();
      await writeMetricsFiles(options.checkpointDir, rows);
      await options.afterEpoch?.({ epoch, row, models: task.models, checkpoint: path });
    }
  } finally {
    progress.stop();
    writer.flush();
    optimizer.dispose();
  }
  if (best === undefined) {
    throw new TrainError('no epoch was trained (epochs is 0?)');
  }
  // A run that resumed a finished checkpoint still leaves its metrics files in place.
  await writeMetricsFiles(options.checkpointDir, rows);
  return { rows, best, resumedFrom, trainSeconds: totalTrainSeconds, trainImages: totalTrainImages };
}

/**
 * One training step: forward, backward and update as one tidy scope, with
 * the step's TensorFlow.js randomness seeded by `stepSeed`. Returns the
 * task's statistics followed by the global gradient norm, on the device
 * (the caller disposes them); nothing is read back to the host here.
 */
export function trainStep(task: TrainTask, variables: tf.Variable[], optimizer: AdamW, batch: Batch, stepSeed: number): tf.Tensor1D {
  return withSeededRandom(stepSeed, () =>
    tf.tidy(() => {
      let kept: tf.Tensor1D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = task.trainLoss(batch);
        kept = tf.keep(out.stats);
        return out.loss;
      }, variables);
      // A variable the loss does not reach (e.g. unused by a configuration) gets no update but decay.
      const list = variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
      // The global gradient norm costs two small kernels per variable; it
      // tells a NaN born in the backward pass from one in the loss.
      const gradNorm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      optimizer.applyGradients(list);
      value.dispose();
      const stats = tf.concat([kept!, tf.reshape(gradNorm, [1])]) as tf.Tensor1D;
      kept!.dispose();
      return stats;
    }),
  );
}

/** Means of the task's statistics over a whole set, in inference mode, with fixed randomness. */
export function evaluate(task: TrainTask, source: ImageBatches, evalBatchSize: number, seed: number): Record<string, number> {
  const n = source.set.count;
  const order = identityOrder(n);
  const parts: tf.Tensor1D[] = [];
  try {
    for (let start = 0, b = 0; start < n; start += evalBatchSize, b++) {
      const size = Math.min(evalBatchSize, n - start);
      const batch = source.batch(order, start, size);
      try {
        parts.push(withSeededRandom(seedFor(seed, `validation:${b}`), () => tf.tidy(() => task.evalSums(batch))));
      } finally {
        batch.x.dispose();
        batch.labels?.dispose();
        batch.target?.dispose();
      }
    }
    const total = tf.tidy(() => tf.sum(tf.stack(parts), 0));
    const sums = total.dataSync();
    total.dispose();
    const out: Record<string, number> = {};
    task.statNames.forEach((name, i) => (out[name] = sums[i] / n));
    return out;
  } finally {
    tf.dispose(parts);
  }
}

function nonFiniteTerms(names: readonly string[], terms: Readonly<Record<string, LossTerm>>, values: ArrayLike<number>): LossTerm[] {
  const bad = new Set<LossTerm>();
  names.forEach((name, i) => {
    const term = terms[name];
    if (term !== undefined && !Number.isFinite(values[i])) bad.add(term);
  });
  return TERM_ORDER.filter((t) => bad.has(t));
}

function prefixed(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [valName(k), v]));
}

function mergeEncoded(a: EncodedWeights, b: EncodedWeights): EncodedWeights {
  const data = new Uint8Array(a.data.byteLength + b.data.byteLength);
  data.set(new Uint8Array(a.data), 0);
  data.set(new Uint8Array(b.data), a.data.byteLength);
  return { data: data.buffer, specs: [...a.specs, ...b.specs] };
}

/**
 * Why the checkpoint `m` is not this run's (undefined when it is): another
 * task, more epochs than asked for, other code, or other params, data or model.
 * A checkpoint that the same code, params and data wrote is always resumed,
 * even a finished one, since resuming it computes exactly what a fresh run would.
 */
function mismatch(m: CheckpointMeta, label: string, epochs: number, options: LoopOptions): string | undefined {
  if (m.label !== label) return `it holds a ${m.label} run, not a ${label} run`;
  if (m.epoch > epochs || (m.epoch === epochs && m.stepsDone > 0)) {
    return `it already trained ${m.epoch} epochs, more than the ${epochs} asked for`;
  }
  if (m.resumeKey === options.resumeKey) return undefined;
  const [theirs, ours] = [m.codeFingerprint, options.codeFingerprint];
  if (ours !== undefined && theirs === undefined) return 'it was written before checkpoints recorded the code that wrote them';
  if (ours !== undefined && theirs !== undefined && theirs !== ours) {
    return `the code changed since it was written (code ${theirs.slice(0, 12)} -> ${ours.slice(0, 12)})`;
  }
  const diffs = paramDiffs(m.params, options.params);
  return diffs.length === 0 ? 'the data or the model config changed since it was written' : `it was made with other params (${listDiffs(diffs)})`;
}

/** `key: before -> after` for each top-level param that differs (one entry when either side is not an object). */
function paramDiffs(before: unknown, after: unknown): string[] {
  if (typeof before !== 'object' || before === null || typeof after !== 'object' || after === null) return ['params differ'];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} -> ${JSON.stringify(b[k])}`);
}

function listDiffs(diffs: readonly string[]): string {
  return diffs.slice(0, 4).join('; ') + (diffs.length > 4 ? '; ...' : '');
}
