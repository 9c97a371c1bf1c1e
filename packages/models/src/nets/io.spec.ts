import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveVaeNetConfig } from './config.ts';
import { buildDecoder } from './decoder.ts';
import { buildEncoder } from './encoders.ts';
import { ModelIoError } from './errors.ts';
import { loadNet, saveNet } from './io.ts';
import { buildJudge, judgePreset } from './judge.ts';

const root = mkdtempSync(join(tmpdir(), 'nets-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function outputs(model: LayersModel, x: tf.Tensor): number[][] {
  const y = model.predict(x);
  return (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync()));
}

describe('save and load in the TensorFlow.js layers format', () => {
  const small = { encoder: { widths: [3, 4, 4] }, decoder: { widths: [8, 4, 4] }, seed: 2 };
  const cases: Array<[string, () => LayersModel, tf.Tensor]> = [
    ['S-GVAE encoder', () => buildEncoder(resolveVaeNetConfig(small)), tf.randomUniform([3, 33, 33, 1], 0, 1, 'float32', 1)],
    ['S-VAE encoder', () => buildEncoder(resolveVaeNetConfig(small, { kind: 'cnn' })), tf.randomUniform([3, 33, 33, 1], 0, 1, 'float32', 1)],
    ['Gaussian-latent encoder', () => buildEncoder(resolveVaeNetConfig({ ...small, latent: { family: 'normal' } })), tf.randomUniform([2, 33, 33, 1])],
    ['decoder', () => buildDecoder(resolveVaeNetConfig(small)), tf.randomNormal([3, 6], 0, 1, 'float32', 2)],
    ['light judge', () => buildJudge(judgePreset('light')), tf.randomUniform([2, 33, 33, 1], 0, 1, 'float32', 3)],
  ];
  for (const [name, build, x] of cases) {
    it(`${name}: the reloaded model gives identical outputs`, async () => {
      const model = build();
      // One training-mode pass so that batch-norm moving statistics are not the defaults.
      model.apply(x, { training: true });
      const dir = join(root, name.replace(/\W+/g, '-'));
      expect(await saveNet(model, dir)).toBe(dir);
      const loaded = await loadNet(dir);
      expect(loaded.name).toBe(model.name);
      expect(outputs(loaded, x)).toEqual(outputs(model, x));
      expect(loaded.outputNames).toEqual(model.outputNames);
    });
  }

  it('says which path it could not read', async () => {
    await expect(loadNet(join(root, 'missing'))).rejects.toThrow(ModelIoError);
    await expect(loadNet(join(root, 'missing'))).rejects.toThrow(/missing[/\\]model\.json/);
  });
});
