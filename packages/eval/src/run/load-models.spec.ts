import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyDecoder, tinyEncoder, tinyJudge, vaeManifest, writeTinyJudge, writeTinyVae } from '../testing/tiny-models.ts';
import { ArtifactError, type LoadedTrainManifest } from '@sgvae/contracts';
import { VAE_NET_CONFIG_VERSION } from '@sgvae/models';
import { ArtifactError as EvalArtifactError } from '../errors.ts';
import { inferModelKind, loadJudge, loadVae, trainedWithOf, vaeConfigOf } from './load-models.ts';

const SIZE = 9;
const root = await mkdtemp(join(tmpdir(), 'sgvae-eval-models-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loading trained models from the train stage output', () => {
  it('loads a VAE and runs it in batches, matching the model applied in one go', async () => {
    await writeTinyVae(join(root, 'svae'), { size: SIZE, latentDim: 3, encoderKind: 'cnn' });
    const vae = await loadVae(join(root, 'svae'), { name: 'svae', batchSize: 4 });
    expect(vae).toMatchObject({ name: 'svae', label: 'S-VAE', kind: 'svae', latentDim: 3, imageSize: SIZE, seed: 7 });
    const count = 10;
    const images = Float32Array.from({ length: count * SIZE * SIZE }, (_, i) => (i % 7) / 7);
    const before = tf.memory().numTensors;
    const { mu, kappa } = await vae.encode(images, count);
    const recon = await vae.decode(mu, count);
    expect(tf.memory().numTensors).toBe(before);
    expect(mu).toHaveLength(count * 3);
    expect(kappa).toHaveLength(count);
    const [muRef] = tinyEncoder(SIZE, 3).predict(tf.tensor4d(images, [count, SIZE, SIZE, 1])) as tf.Tensor[];
    expect(Array.from(mu)).toEqual(Array.from(muRef.dataSync()).map((v) => expect.closeTo(v, 5)));
    const reconRef = tf.sigmoid(tinyDecoder(SIZE, 3).predict(tf.tensor2d(mu, [count, 3])) as tf.Tensor).dataSync();
    expect(Array.from(recon)).toEqual(Array.from(reconRef).map((v) => expect.closeTo(v, 5)));
    expect(recon.every((v) => v >= 0 && v <= 1)).toBe(true);
    vae.dispose();
  });

  it('loads a judge that classifies in batches', async () => {
    await writeTinyJudge(join(root, 'judge'), SIZE);
    const judge = await loadJudge(join(root, 'judge'), { batchSize: 3 });
    const images = Float32Array.from({ length: 5 * SIZE * SIZE }, (_, i) => Math.sin(i));
    const classes = await judge.classify(images, 5);
    const ref = tf.argMax(tinyJudge(SIZE).predict(tf.tensor4d(images, [5, SIZE, SIZE, 1])) as tf.Tensor, 1).dataSync();
    expect(Array.from(classes)).toEqual(Array.from(ref));
    judge.dispose();
  });

  it('tells the model kind from the manifest and checks the name against it', async () => {
    const m = (encoder: string, augmentRotation = false) => vaeManifest({ imageSize: SIZE, latent: { family: 'vmf', dim: 2 }, encoder: { kind: encoder } }, { augmentRotation });
    expect(inferModelKind(m('gcnn'))).toBe('sgvae');
    expect(inferModelKind(m('cnn'))).toBe('svae');
    expect(inferModelKind(m('cnn', true))).toBe('svae-aug');
    expect(inferModelKind(m('so2'))).toBe('sgvae-so2');
    expect(inferModelKind(m('mlp'))).toBe('other');
    await writeTinyVae(join(root, 'g'), { size: SIZE, latentDim: 2, encoderKind: 'gcnn' });
    await expect(loadVae(join(root, 'g'), { name: 'svae', batchSize: 4 })).rejects.toThrow(/the name says S-VAE but the manifest's encoder is gcnn/);
    await expect(loadVae(join(root, 'g'), { name: 'sgvae-so2', batchSize: 4 })).rejects.toThrow(/the name says S-GVAE \(SO\(2\) encoder\) but the manifest's encoder is gcnn/);
    expect(await loadVae(join(root, 'g'), { name: 'mine', batchSize: 4 })).toMatchObject({ kind: 'sgvae', label: 'S-GVAE (mine)' });
  });

  it('reads which code and machine trained a model, and says when that record is damaged', async () => {
    const base: LoadedTrainManifest = { ...vaeManifest({ imageSize: SIZE, latent: { family: 'vmf', dim: 2 }, encoder: { kind: 'cnn' } }), codeVersion: 'abc1234' };
    expect(trainedWithOf(base)).toEqual({ codeVersion: 'abc1234', machine: null });
    expect(trainedWithOf({ ...base, codeVersion: 'unknown' }).codeVersion).toBeNull();
    const numerics = { cpu: { model: 'X', vendor: null, signature: null, logicalCores: 4, kernelFlags: ['avx2', 'fma'] }, backend: 'tensorflow', env: {}, onednn: true, platform: 'linux', arch: 'x64', node: '20' };
    expect(trainedWithOf({ ...base, numerics }).machine).toBe('X, 4 cores, avx2 fma, oneDNN on, tensorflow');
    // The manifest reader leaves a damaged record out and says why.
    await writeTinyVae(join(root, 'damaged'), { size: SIZE, latentDim: 2, encoderKind: 'cnn' });
    const file = join(root, 'damaged', 'manifest.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), numerics: { backend: 'tensorflow' } }));
    const damaged = await loadVae(join(root, 'damaged'), { name: 'svae', batchSize: 4 });
    expect(damaged.trainedWith?.machine).toBe('unreadable: manifest.numerics is malformed (`numerics.cpu` is missing, expected an object)');
  });

  it('labels the augmented S-VAE by what it was asked to reconstruct', async () => {
    await writeTinyVae(join(root, 'up'), { size: SIZE, latentDim: 2, encoderKind: 'cnn', params: { seed: 1, augmentRotation: true, augmentTarget: 'upright' } });
    await writeTinyVae(join(root, 'old'), { size: SIZE, latentDim: 2, encoderKind: 'cnn', params: { seed: 1, augmentRotation: true } });
    expect(await loadVae(join(root, 'up'), { name: 'svae-aug', batchSize: 4 })).toMatchObject({ kind: 'svae-aug', label: 'S-VAE + rotation augmentation (upright targets)' });
    // Outputs written before augmentTarget existed reconstructed the rotated input.
    expect(await loadVae(join(root, 'old'), { name: 'aug2', batchSize: 4 })).toMatchObject({
      kind: 'svae-aug',
      label: 'S-VAE + rotation augmentation (rotated targets) (aug2)',
    });
  });

  it('says how to fix a missing or mismatched folder', async () => {
    await expect(loadVae(join(root, 'nothing'), { name: 'x', batchSize: 1 })).rejects.toThrow(ArtifactError);
    await expect(loadVae(join(root, 'nothing'), { name: 'x', batchSize: 1 })).rejects.toThrow(/Train it first/);
    await expect(loadVae(join(root, 'judge'), { name: 'x', batchSize: 1 })).rejects.toThrow(/pass it with --judge/);
  });

  it('reads model configs of any version up to the current one, and refuses newer ones', () => {
    const old = vaeManifest({ imageSize: SIZE, latent: { family: 'vmf', dim: 3 }, encoder: { kind: 'gcnn' } });
    expect(vaeConfigOf(old, 'm')).toMatchObject({ configVersion: VAE_NET_CONFIG_VERSION, imageSize: SIZE, latent: { dim: 3, kappaInit: null }, encoder: { orbit: 1 } });
    const newer = vaeManifest({ configVersion: VAE_NET_CONFIG_VERSION + 1, imageSize: SIZE, latent: { family: 'vmf', dim: 3 }, encoder: { kind: 'gcnn' } });
    expect(() => vaeConfigOf(newer, 'm')).toThrow(EvalArtifactError);
    expect(() => vaeConfigOf(newer, 'm')).toThrow(/^m[/\\]manifest\.json: config\.configVersion: .*newer than this code's/);
  });
});
