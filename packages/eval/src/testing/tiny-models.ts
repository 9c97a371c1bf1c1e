// Tiny layers models saved in the train stage's output format, for tests of
// the model-loading layer. Standard layers only, so they load without
// @sgvae/models' custom layers.
import { join } from 'node:path';
import { type JudgeTrainManifest, type VaeConfigRecord, type VaeParamsRecord, type VaeTrainManifest, writeTrainManifest } from '@sgvae/contracts';
import { saveLayersModel } from '@sgvae/train';
import * as tfl from '@tensorflow/tfjs-layers';

export function tinyEncoder(size: number, latentDim: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 1] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const mu = tfl.layers.dense({ units: latentDim, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(flat) as tfl.SymbolicTensor;
  const kappa = tfl.layers.dense({ units: 1, activation: 'softplus', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: [mu, kappa] });
}

export function tinyDecoder(size: number, latentDim: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [latentDim], units: size * size, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
      tfl.layers.reshape({ targetShape: [size, size, 1] }),
    ],
  });
}

export function tinyJudge(size: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [size, size, 1] }),
      tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
}

/** A complete VAE manifest around `config` and `params` (the other fields are placeholders). */
export function vaeManifest(config: VaeConfigRecord, params: Partial<VaeParamsRecord> = {}): VaeTrainManifest {
  return {
    format: 1,
    kind: 'vae',
    models: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
    config,
    params: { seed: 7, beta: 1, augmentRotation: false, ...params },
    epoch: 1,
    epochs: 1,
    metrics: {},
    finalMetrics: {},
    data: { dir: 'datasets', train: { manifestSha256: '0'.repeat(64), images: 1 }, augmentation: 'none' },
    codeVersion: 'test',
    backend: 'tensorflow',
  };
}

/** Writes a VAE output folder as the train stage does (manifest.json + encoder/ + decoder/). */
export async function writeTinyVae(dir: string, opts: { size: number; latentDim: number; encoderKind: 'cnn' | 'gcnn'; params?: Partial<VaeParamsRecord> }): Promise<void> {
  await saveLayersModel(tinyEncoder(opts.size, opts.latentDim), join(dir, 'encoder'));
  await saveLayersModel(tinyDecoder(opts.size, opts.latentDim), join(dir, 'decoder'));
  const config = { imageSize: opts.size, latent: { family: 'vmf', dim: opts.latentDim }, encoder: { kind: opts.encoderKind }, seed: 7 };
  writeTrainManifest(dir, vaeManifest(config, opts.params));
}

export async function writeTinyJudge(dir: string, size: number): Promise<void> {
  await saveLayersModel(tinyJudge(size), join(dir, 'judge'));
  const manifest: JudgeTrainManifest = {
    format: 1,
    kind: 'judge',
    models: { judge: 'judge/model.json' },
    config: { imageSize: size },
    params: { seed: 3 },
    epoch: 1,
    epochs: 1,
    metrics: {},
    finalMetrics: {},
    test: { loss: 2.3, accuracy: 0.1, images: 10 },
    data: { dir: 'datasets', train: { manifestSha256: '0'.repeat(64), images: 1 }, augmentation: 'none' },
    codeVersion: 'test',
    backend: 'tensorflow',
  };
  writeTrainManifest(dir, manifest);
}
