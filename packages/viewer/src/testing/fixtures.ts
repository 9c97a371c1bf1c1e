// Small inputs for the export's tests: untrained VAEs of the real networks
// (the smoke sizes) saved as the train stage saves them, and a datasets
// folder built by the data stage from a few hundred MNIST digits.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildDatasets, loadMnist, parseDataParams } from '@sgvae/data';
import { buildDecoder, buildEncoder, validateVaeNetConfig, vaePreset, type EncoderKind, type VaeNetConfig } from '@sgvae/models';

/** The smoke profile's widths on the default preset: small and quick, every custom layer kind in use. */
export function tinyConfig(kind: EncoderKind, latentDim = 3, seed = 5): VaeNetConfig {
  const base = vaePreset('default', kind);
  const config = {
    ...base,
    seed,
    latent: { ...base.latent, dim: latentDim },
    encoder: { ...base.encoder, widths: [2, 4, 4], head: { ...base.encoder.head, hidden: 8 } },
    decoder: { ...base.decoder, widths: [8, 8, 4] },
  } as VaeNetConfig;
  return validateVaeNetConfig(config);
}

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

/** A VAE folder in the train stage's layout (manifest.json, encoder/, decoder/). */
export async function writeTinyVae(dir: string, kind: EncoderKind, options: { latentDim?: number; params?: Record<string, unknown> } = {}): Promise<VaeNetConfig> {
  const config = tinyConfig(kind, options.latentDim ?? 3);
  await saveLayersModelTo(buildEncoder(config), join(dir, 'encoder'));
  await saveLayersModelTo(buildDecoder(config), join(dir, 'decoder'));
  // A complete manifest as the train stage writes it (the contracts' reader checks every field it needs).
  const manifest = {
    format: 1,
    kind: 'vae',
    models: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
    config,
    params: { seed: 5, beta: 0.1, augmentRotation: false, ...(options.params ?? {}) },
    epoch: 1,
    epochs: 1,
    metrics: {},
    finalMetrics: {},
    data: { dir: '/somewhere/on/the/training/machine', train: { manifestSha256: '0'.repeat(64), images: 1 }, augmentation: 'none' },
    codeVersion: '0123456789abcdef0123456789abcdef01234567',
    backend: 'tensorflow',
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return config;
}

/** A datasets folder of the data stage with a small `test` set (700 MNIST digits, 100 of them test). */
export async function writeTinyDatasets(dir: string): Promise<void> {
  const params = parseDataParams({ seed: 3, subset: { total: 700, testFraction: 1 / 7 }, sets: {} });
  await buildDatasets(params, dir, { sources: { train: loadMnist('train'), test: loadMnist('test') } });
}
