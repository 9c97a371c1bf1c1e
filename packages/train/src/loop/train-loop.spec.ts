import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageBatches } from '../batching/image-batches.ts';
import { readLatestCheckpoint } from '../checkpoint/checkpoint-store.ts';
import { CheckpointError, NonFiniteLossError, TrainingInterruptedError } from '../errors.ts';
import { createJudgeTask } from '../judge/judge-task.ts';
import type { ProgressReporter } from '../observe/progress.ts';
import { silentProgress } from '../observe/progress.ts';
import { withSeededRandom } from '../random/seeded-random.ts';
import { tinyImageSet } from '../testing/tiny-data.ts';
import { type LoopOptions, type LoopResult, runTrainingLoop } from './train-loop.ts';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'train-loop-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const SIZE = 9;
const train = tinyImageSet(64, SIZE, 1);
const validation = tinyImageSet(24, SIZE, 2);

function buildClassifier(seed: number): tfl.LayersModel {
  return withSeededRandom(seed, () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 4 }),
      ],
    }),
  );
}

interface Run {
  result: LoopResult;
  weights: Float32Array[];
}

async function run(dir: string, extra: Partial<LoopOptions> = {}, epochs = 3): Promise<Run> {
  const model = buildClassifier(5);
  try {
    const result = await runTrainingLoop(
      createJudgeTask(model),
      { train: new ImageBatches(train, 16), validation: new ImageBatches(validation, 10) },
      {
        epochs,
        batchSize: 16,
        evalBatchSize: 10,
        seed: 11,
        schedule: { initial: 0.01, gamma: 0.9 },
        optimizer: { weightDecay: 1e-4 },
        checkpointDir: dir,
        resumeKey: 'k1',
        params: { lr: 0.01 },
        codeVersion: 'test',
        readbackEvery: 2,
        progress: silentProgress,
        ...extra,
      },
    );
    return { result, weights: model.getWeights().map((w) => w.dataSync() as Float32Array) };
  } finally {
    model.dispose();
  }
}

const TIMING = new Set(['imagesPerSec', 'trainSeconds', 'validationSeconds']);
function withoutTiming(rows: readonly Record<string, number>[]): Record<string, number>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING.has(k))));
}

describe('runTrainingLoop', () => {
  it('lowers the loss and is deterministic for a fixed seed', async () => {
    const a = await run(await freshDir());
    const b = await run(await freshDir());
    const rows = a.result.rows;
    expect(rows).toHaveLength(3);
    expect(rows[2].loss).toBeLessThan(rows[0].loss);
    expect(rows[2].valLoss).toBeLessThan(rows[0].valLoss);
    expect(withoutTiming(b.result.rows)).toEqual(withoutTiming(rows));
    b.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(a.weights[i])));
  });

  it('resumes after an interrupt between epochs and ends as an uninterrupted run', async () => {
    const reference = await run(await freshDir());
    const dir = await freshDir();
    const controller = new AbortController();
    await expect(
      run(dir, {
        signal: controller.signal,
        afterEpoch: ({ epoch }) => {
          if (epoch === 0) controller.abort(new Error('test stop'));
        },
      }),
    ).rejects.toThrow(TrainingInterruptedError);
    const saved = await readLatestCheckpoint<{ epoch: number; stepsDone: number }>(dir);
    expect(saved?.meta).toMatchObject({ epoch: 1, stepsDone: 0 });
    const resumed = await run(dir);
    expect(resumed.result.resumedFrom).toBe(saved?.path);
    expect(withoutTiming(resumed.result.rows)).toEqual(withoutTiming(reference.result.rows));
    resumed.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(reference.weights[i])));
    expect(resumed.result.best.epoch).toBe(reference.result.best.epoch);
  });

  it('resumes from the middle of an epoch with the same result', async () => {
    const reference = await run(await freshDir());
    const dir = await freshDir();
    const controller = new AbortController();
    const stopAtStep2: ProgressReporter = {
      ...silentProgress,
      tick: (t) => {
        if (t.epoch === 1 && t.stepsDone === 2) controller.abort(new Error('SIGTERM'));
      },
    };
    const error = await run(dir, { signal: controller.signal, progress: stopAtStep2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingInterruptedError);
    expect((error as TrainingInterruptedError).message).toMatch(/epoch 2, step 2.*Run the same command again/);
    const resumed = await run(dir);
    expect(withoutTiming(resumed.result.rows)).toEqual(withoutTiming(reference.result.rows));
    resumed.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(reference.weights[i])));
  });

  it('checkpoints inside epochs on a timer, so a crash loses little and resumes exactly', async () => {
    const reference = await run(await freshDir());
    const dir = await freshDir();
    const crashAtStep4: ProgressReporter = {
      ...silentProgress,
      tick: (t) => {
        if (t.epoch === 1 && t.stepsDone === 4) throw new Error('simulated crash');
      },
    };
    await expect(run(dir, { checkpointEverySeconds: 1e-9, progress: crashAtStep4 })).rejects.toThrow('simulated crash');
    const saved = await readLatestCheckpoint<{ epoch: number; stepsDone: number }>(dir);
    expect(saved?.meta).toMatchObject({ epoch: 1, stepsDone: 2 });
    const resumed = await run(dir, { checkpointEverySeconds: 1e-9 });
    expect(withoutTiming(resumed.result.rows)).toEqual(withoutTiming(reference.result.rows));
    resumed.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(reference.weights[i])));
  });

  it('continues a finished run when more epochs are asked for, and refuses other params', async () => {
    const reference = await run(await freshDir(), {}, 3);
    const dir = await freshDir();
    await run(dir, {}, 2);
    const more = await run(dir, {}, 3);
    expect(withoutTiming(more.result.rows)).toEqual(withoutTiming(reference.result.rows));
    await expect(run(dir, { resumeKey: 'k2', params: { lr: 0.02 } }, 3)).rejects.toThrow(/lr: 0.01 -> 0.02.*--restart/);
    await expect(run(dir, { resumeKey: 'k2' }, 3)).rejects.toThrow(CheckpointError);
    const same = await run(dir, { restartIfChanged: true }, 3);
    expect(withoutTiming(same.result.rows)).toEqual(withoutTiming(reference.result.rows));
    const changed = await run(dir, { resumeKey: 'k3', params: { lr: 0.03 }, restartIfChanged: true }, 1);
    expect(changed.result.rows).toHaveLength(1);
    expect(changed.result.rows[0].epoch).toBe(1);
    const restarted = await run(dir, { resumeKey: 'k2', restart: true }, 1);
    expect(restarted.result.rows).toHaveLength(1);
  });

  it('stops on a non-finite loss, names where, and keeps the last good checkpoint', async () => {
    const dir = await freshDir();
    const error = await run(dir, {
      afterEpoch: ({ epoch, models }) => {
        if (epoch !== 0) return;
        const m = models[0].model;
        const last = m.layers[m.layers.length - 1];
        const [kernel, bias] = last.getWeights();
        last.setWeights([kernel, tf.fill(bias.shape, NaN)]);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.epoch).toBe(2);
    expect(e.step).toBe(1);
    expect(e.terms).toEqual(['cross-entropy', 'gradients']);
    expect(e.message).toMatch(/non-finite cross-entropy and gradients at epoch 2, step 1 \(loss=NaN, accuracy=.*, gradNorm=NaN\)/);
    const saved = await readLatestCheckpoint<{ epoch: number; rows: unknown[] }>(dir);
    expect(saved?.meta.epoch).toBe(1);
    expect(e.checkpoint).toBe(saved?.path);
    expect(saved?.meta.rows).toHaveLength(1);
  });

  it('leaks no tensors across epochs', async () => {
    const counts: number[] = [];
    await run(await freshDir(), { afterEpoch: () => void counts.push(tf.memory().numTensors) }, 3);
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
  });

  it('writes metrics files holding every field, and one snapshot', async () => {
    const dir = await freshDir();
    const { result } = await run(dir, {}, 2);
    const jsonl = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(jsonl).toEqual(result.rows);
    const fields = ['epoch', 'lr', 'loss', 'accuracy', 'gradNorm', 'valLoss', 'valAccuracy', 'imagesPerSec', 'trainSeconds', 'validationSeconds'];
    for (const row of jsonl) for (const f of fields) expect(Number.isFinite(row[f]), f).toBe(true);
    const csv = (await readFile(join(dir, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0].split(',')).toEqual(fields);
    expect(csv).toHaveLength(3);
    expect(Number(csv[2].split(',')[0])).toBe(2);
    const snapshots = (await readdir(dir)).filter((n) => n.startsWith('e'));
    expect(snapshots).toEqual(['e0002-s000000']);
  });
});
