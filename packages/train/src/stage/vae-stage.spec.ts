import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrainManifest, sourceFingerprint } from '@sgvae/contracts';
import { ParamsError } from '@sgvae/contracts/params';
import { VAE_NET_CONFIG_VERSION } from '@sgvae/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel } from '../checkpoint/layers-io.ts';
import { readLatestCheckpoint } from '../checkpoint/checkpoint-store.ts';
import { CheckpointError, NonFiniteLossError, TrainDataError, TrainParamsError, TrainingInterruptedError } from '../errors.ts';
import { silentProgress } from '../observe/progress.ts';
import type { ScalarWriter } from '../observe/tensorboard.ts';
import { buildTinyDatasets } from '../testing/tiny-datasets.ts';
import type { StageOptions } from './stage-common.ts';
import { runVaeStage, resolveVaeParams, vaeNetConfigFor } from './vae-stage.ts';

let root: string;
let data: string;
let n = 0;
const fresh = (): string => join(root, `run-${n++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vae-stage-'));
  data = join(root, 'data');
  await buildTinyDatasets(data);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const LATENT = process.env.SGVAE_TEST_LATENT ?? 'vmf';
const base = { profile: 'smoke', latent: LATENT, epochs: 3 };
const TIMING = new Set(['imagesPerSec', 'trainSeconds', 'validationSeconds']);
const noTiming = (rows: readonly Record<string, number>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING.has(k))));

async function train(out: string, extra: Partial<StageOptions> = {}, params: Record<string, unknown> = {}) {
  return runVaeStage({ params: { ...base, ...params }, dataDir: data, outDir: out, codeVersion: 'test', backend: 'tensorflow', ...extra });
}

async function outputWeights(out: string): Promise<number[][]> {
  const out1: number[][] = [];
  for (const part of ['encoder', 'decoder']) {
    const m = await loadLayersModel(join(out, part));
    out1.push(...m.getWeights().map((w) => Array.from(w.dataSync())));
    m.dispose();
  }
  return out1;
}

describe('VAE stage', () => {
  it('lowers the loss, writes a loadable output with its manifest, and leaks no tensors', async () => {
    const scalars: [string, number, number][] = [];
    const writer: ScalarWriter = { scalar: (name, value, step) => void scalars.push([name, value, step]), flush() {} };
    const counts: number[] = [];
    const outA = fresh();
    const a = await train(
      outA,
      { scalarWriterFactory: () => writer, afterEpoch: () => void counts.push(tf.memory().numTensors) },
      { encoder: 'gcnn' },
    );
    const rows = a.loop.rows;
    expect(rows[2].loss).toBeLessThan(rows[0].loss);
    expect(rows[2].valLoss).toBeLessThan(rows[0].valLoss);
    for (const k of ['loss', 'reconstruction', 'kl', LATENT === 'vmf' ? 'kappa' : 'scale', 'gradNorm', 'lr', 'klWeight', 'imagesPerSec']) {
      expect(Number.isFinite(rows[0][k]), k).toBe(true);
    }
    // tf.memory().numTensors is the same after every epoch: nothing accumulates.
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    const manifest = readTrainManifest(outA);
    expect(manifest).toMatchObject({ format: 1, kind: 'vae', epochs: 3, codeVersion: 'test', backend: 'tensorflow' });
    expect(manifest.models).toEqual({ encoder: 'encoder/model.json', decoder: 'decoder/model.json' });
    expect(manifest.epoch).toBe(a.loop.best.epoch);
    expect(manifest.metrics.valLoss).toBe(Math.min(...rows.map((r) => r.valLoss)));
    expect((manifest.params as unknown as { encoder: string }).encoder).toBe('gcnn');
    expect((manifest.config as { latent: unknown }).latent).toEqual({ family: LATENT, dim: 3, kappaInit: LATENT === 'vmf' ? 1 + Math.LN2 : null });
    // The model's config is written at the current version (readers migrate older ones).
    expect((manifest.config as { configVersion?: number }).configVersion).toBe(VAE_NET_CONFIG_VERSION);
    expect(scalars.some(([name, , step]) => name === 'val/loss' && step === 3)).toBe(true);
    expect(a.summary).toMatch(/^vae gcnn C8 .*best epoch \d\/3 .*wrote /);
    expect((await outputWeights(outA)).length).toBeGreaterThan(10);
  });

  // Two independent runs (the reference and the interrupted one) agreeing also shows determinism.
  it('resumes an interrupted run to the same result as an uninterrupted one', async () => {
    const reference = fresh();
    const ref = await train(reference, {}, { encoder: 'cnn', augmentRotation: true });
    const out = fresh();
    const controller = new AbortController();
    const stopped = await train(
      out,
      { signal: controller.signal, afterEpoch: ({ epoch }) => void (epoch === 0 && controller.abort(new Error('SIGTERM'))) },
      { encoder: 'cnn', augmentRotation: true },
    ).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(TrainingInterruptedError);
    expect((stopped as TrainingInterruptedError).reason).toBe('SIGTERM');
    const resumed = await train(out, {}, { encoder: 'cnn', augmentRotation: true });
    expect(resumed.loop.resumedFrom).toBeDefined();
    expect(noTiming(resumed.loop.rows)).toEqual(noTiming(ref.loop.rows));
    expect(await outputWeights(out)).toEqual(await outputWeights(reference));
  });

  // The probe of a stale resume: a finished run, then an edit to a source file
  // the stage depends on, then the same command. The fingerprints come from a
  // small workspace on disk, so the test covers the path from an edited file
  // to a retrained model.
  it('retrains when the code changed since the checkpoint, and resumes an interrupted run of the same code', async () => {
    const ws = join(root, 'workspace');
    const put = (rel: string, text: string) => {
      mkdirSync(join(ws, rel, '..'), { recursive: true });
      writeFileSync(join(ws, rel), text);
    };
    put('package.json', JSON.stringify({ workspaces: ['packages/*'] }));
    put('packages/train/package.json', JSON.stringify({ name: '@sgvae/train', dependencies: { '@sgvae/models': '0.1.0' } }));
    put('packages/models/package.json', JSON.stringify({ name: '@sgvae/models' }));
    put('packages/train/src/vae/vae-task.ts', 'export const task = 1;\n');
    put('packages/models/src/layer.ts', 'export const layer = 1;\n');
    const codeA = sourceFingerprint(ws, '@sgvae/train').digest;
    const messages: string[] = [];
    const progress = { ...silentProgress, message: (m: string) => void messages.push(m) };
    const params = { encoder: 'cnn', epochs: 2 };

    const out = fresh();
    const first = await train(out, { codeFingerprint: codeA, restartIfChanged: true, progress }, params);
    expect(first.loop.resumedFrom).toBeUndefined();
    // Same code, same command: the finished checkpoint is this run's, and resuming it is exact.
    const again = await train(out, { codeFingerprint: codeA, restartIfChanged: true, progress }, params);
    expect(again.loop.resumedFrom).toBeDefined();
    expect(messages).toEqual([]);

    put('packages/models/src/layer.ts', 'export const layer = 2;\n');
    const codeB = sourceFingerprint(ws, '@sgvae/train').digest;
    expect(codeB).not.toBe(codeA);
    // Without --restart-if-changed the stale checkpoint is refused by name.
    await expect(train(out, { codeFingerprint: codeB, progress }, params)).rejects.toThrow(CheckpointError);
    await expect(train(out, { codeFingerprint: codeB, progress }, params)).rejects.toThrow(/cannot resume: the code changed since it was written/);
    // The pipeline's way: start over, say why in one line.
    const retrained = await train(out, { codeFingerprint: codeB, restartIfChanged: true, progress }, params);
    expect(retrained.loop.resumedFrom).toBeUndefined();
    expect(retrained.loop.trainImages).toBeGreaterThan(0);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^starting over: .* cannot be resumed, the code changed since it was written \(code [0-9a-f]{12} -> [0-9a-f]{12}\)$/);
    const manifest = readTrainManifest(out);
    expect(manifest.codeFingerprint).toBe(codeB);

    // An interrupted run of unchanged code still resumes.
    const controller = new AbortController();
    const interrupted = fresh();
    const stopped = await train(
      interrupted,
      { codeFingerprint: codeB, restartIfChanged: true, signal: controller.signal, afterEpoch: ({ epoch }) => void (epoch === 0 && controller.abort(new Error('SIGINT'))) },
      params,
    ).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(TrainingInterruptedError);
    const resumed = await train(interrupted, { codeFingerprint: codeB, restartIfChanged: true, progress }, params);
    expect(resumed.loop.resumedFrom).toMatch(/e0001-s000000$/);
    expect(messages).toHaveLength(1);
    expect(noTiming(resumed.loop.rows)).toEqual(noTiming(retrained.loop.rows));
  });

  // One machine reproduces a run bit for bit: same seed, same code, same
  // weights, for every encoder family and with augmentation's random angles.
  it.each([
    ['sgvae', { encoder: 'gcnn' }],
    ['sgvae-so2', { encoder: 'so2' }],
    ['svae', { encoder: 'cnn' }],
    ['svae-aug', { encoder: 'cnn', augmentRotation: true }],
  ])('two same-seed runs of %s give identical weights', async (_variant, params) => {
    const a = fresh();
    const b = fresh();
    await train(a, {}, { ...params, epochs: 1 });
    await train(b, {}, { ...params, epochs: 1 });
    const wa = await outputWeights(a);
    expect(wa.length).toBeGreaterThan(4);
    expect(await outputWeights(b)).toEqual(wa);
    // And another seed really gives other weights (the check can fail).
    const c = fresh();
    await train(c, {}, { ...params, epochs: 1, seed: 12345 });
    expect(await outputWeights(c)).not.toEqual(wa);
  });

  it('reconstructs the upright digit from a rotated input by default, or the rotated input when asked', async () => {
    const upright = fresh();
    const rotated = fresh();
    const a = await train(upright, {}, { encoder: 'cnn', augmentRotation: true, epochs: 1 });
    const b = await train(rotated, {}, { encoder: 'cnn', augmentRotation: true, augmentTarget: 'rotated', epochs: 1 });
    // Same seed, same inputs (the same turns): only the target differs, so the training losses do.
    expect(a.loop.rows[0].reconstruction).not.toBe(b.loop.rows[0].reconstruction);
    const ma = readTrainManifest(upright);
    const mb = readTrainManifest(rotated);
    expect((ma.params as { augmentTarget: string }).augmentTarget).toBe('upright');
    expect(ma.data?.augmentation).toMatch(/, upright targets$/);
    expect(mb.data?.augmentation).not.toMatch(/upright/);
    expect(() => resolveVaeParams({ augmentTarget: 'sideways' })).toThrow(/augmentTarget/);
  });

  it('stops on a NaN reconstruction, says where, and keeps the last good checkpoint', async () => {
    const out = fresh();
    const error = await train(out, {
      afterEpoch: ({ epoch, models }) => {
        if (epoch !== 0) return;
        const decoder = models.find((m) => m.name === 'decoder')!.model;
        const last = decoder.getLayer('dec_deconv_out');
        const [kernel, bias] = last.getWeights();
        last.setWeights([kernel, tf.fill(bias.shape, NaN)]);
      },
    }, { encoder: 'cnn' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect([e.epoch, e.step]).toEqual([2, 1]);
    expect(e.terms).toEqual(['reconstruction', 'loss', 'gradients']);
    expect(e.message).toMatch(/non-finite reconstruction and loss and gradients at epoch 2, step 1 .*last good checkpoint is kept at/);
    const saved = await readLatestCheckpoint<{ epoch: number }>(join(`${out}.checkpoint`));
    expect(saved?.meta.epoch).toBe(1);
    expect(e.checkpoint).toBe(saved?.path);
  });

  it('refuses bad params and mismatched data with messages that say what to fix', async () => {
    expect(() => resolveVaeParams({ learningrate: 0.1 }, 'p.json')).toThrow(/p.json: `learningrate` .*did you mean `learningRate`/);
    expect(() => resolveVaeParams({ batchSize: 0 })).toThrow(ParamsError);
    expect(() => vaeNetConfigFor(resolveVaeParams({ model: { seed: 3 } }))).toThrow(TrainParamsError);
    expect(() => vaeNetConfigFor(resolveVaeParams({ model: { seed: 3 } }))).toThrow(/model.seed.*remove it/);
    // A concentration asked of a Gaussian posterior is refused, not dropped.
    expect(() => vaeNetConfigFor(resolveVaeParams({ latent: 'normal', kappaInit: 30 }))).toThrow(/kappaInit.*only the vMF posterior/);
    expect(vaeNetConfigFor(resolveVaeParams({ latent: 'normal' })).latent.kappaInit).toBeNull();
    expect(() => vaeNetConfigFor(resolveVaeParams({ encoder: 'gcnn', model: { encoder: { kernelSize: 4 } } }))).toThrow(
      /model.encoder.kernelSize/,
    );
    await expect(train(fresh(), {}, { trainSet: 'nope' })).rejects.toThrow(/no set "nope".*train, val, test/);
    await expect(train(fresh(), {}, { encoder: 'cnn', model: { imageSize: 29 } })).rejects.toThrow(TrainDataError);
  });

  it('has the paper settings as the paper profile defaults', () => {
    const p = resolveVaeParams({ profile: 'paper' });
    expect(p).toMatchObject({ batchSize: 100, learningRate: 1e-2, weightDecay: 1e-5, lrDecay: 0.9, beta: 0.1, latentDim: 6, epochs: 100, latent: 'vmf' });
  });
});
