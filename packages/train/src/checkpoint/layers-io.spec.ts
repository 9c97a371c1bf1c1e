import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLayersModel, saveLayersModel } from './layers-io.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('layers-format folders', () => {
  it('round-trips a model exactly, in the files tfjs-node writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'layers-io-'));
    dirs.push(dir);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tfl.layers.dense({ units: 1 })],
    });
    await saveLayersModel(model, join(dir, 'm'));
    expect((await readdir(join(dir, 'm'))).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadLayersModel(join(dir, 'm'));
    const x = tf.tensor2d([[1, -2], [0.5, 3]]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
