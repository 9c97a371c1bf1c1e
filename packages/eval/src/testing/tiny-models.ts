// Tiny layers models saved in the train stage's output format, for tests of
// the model-loading layer. Standard layers only, so they load without
// @sgvae/models' custom layers.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export async function saveLayersModelTo(model: tfl.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJSON));
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(weightData));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

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

/** Writes a VAE output folder as the train stage does (manifest.json + encoder/ + decoder/). */
export async function writeTinyVae(dir: string, opts: { size: number; latentDim: number; encoderKind: 'cnn' | 'gcnn'; params?: unknown }): Promise<void> {
  await saveLayersModelTo(tinyEncoder(opts.size, opts.latentDim), join(dir, 'encoder'));
  await saveLayersModelTo(tinyDecoder(opts.size, opts.latentDim), join(dir, 'decoder'));
  const manifest = {
    format: 1,
    kind: 'vae',
    models: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
    config: { imageSize: opts.size, latent: { family: 'vmf', dim: opts.latentDim }, encoder: { kind: opts.encoderKind }, seed: 7 },
    params: opts.params ?? { seed: 7 },
    epoch: 1,
    epochs: 1,
    metrics: {},
    finalMetrics: {},
    codeVersion: 'test',
    backend: 'tensorflow',
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

export async function writeTinyJudge(dir: string, size: number): Promise<void> {
  await saveLayersModelTo(tinyJudge(size), join(dir, 'judge'));
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ format: 1, kind: 'judge', models: { judge: 'judge/model.json' }, config: { imageSize: size }, params: { seed: 3 }, codeVersion: 'test', backend: 'tensorflow' }),
  );
}
