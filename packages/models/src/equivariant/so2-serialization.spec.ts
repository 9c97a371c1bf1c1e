import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { input, loadLayersModel, model, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskMask } from './disk-mask.ts';
import { SO2_GROUP, fourierFields, trivialFields } from './field-type.ts';
import { GlobalDiskPooling } from './global-disk-pooling.ts';
import { PointwiseDropout } from './pointwise.ts';
import { So2BatchNorm } from './so2-batch-norm.ts';
import { So2Conv2D } from './so2-conv.ts';
import { FourierPointwise } from './so2-fourier-pointwise.ts';
import { So2NormPool } from './so2-norm-pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'so2-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('save -> load round trip of every SO(2) layer', () => {
  it('rebuilds each layer from its config and gives identical outputs', async () => {
    const img = input({ shape: [17, 17, 1] });
    const f2 = fourierFields(2, 2);
    const f3 = fourierFields(2, 3);
    const chain: Array<{ apply: (x: SymbolicTensor) => unknown; name: string }> = [
      new DiskMask({ fieldType: trivialFields(SO2_GROUP, 1), margin: 5, name: 'mask' }),
      new So2Conv2D({ inType: trivialFields(SO2_GROUP, 1), outType: f2, kernelSize: 5, stride: 2, seed: 3, name: 'lift' }),
      new So2BatchNorm({ fieldType: f2, momentum: 0.7, epsilon: 1e-4, name: 'bn' }),
      new FourierPointwise({ fieldType: f2, samples: 12, activation: 'relu', dropout: 0.2, name: 'act' }),
      new PointwiseDropout({ fieldType: f2, rate: 0.25, mode: 'field', name: 'drop' }),
      new So2Conv2D({ inType: f2, outType: f3, kernelSize: 3, padding: 1, useBias: false, kernelInitializer: 'glorotUniform', seed: 5, name: 'conv' }),
      new So2NormPool({ inType: f3, name: 'norms' }),
      new GlobalDiskPooling({ fieldType: trivialFields(SO2_GROUP, 9), mode: 'max', name: 'pool' }),
    ];
    let x: SymbolicTensor = img;
    for (const layer of chain) x = layer.apply(x) as SymbolicTensor;
    const m = model({ inputs: img, outputs: x });
    const data = tf.randomUniform([4, 17, 17, 1], 0, 1, 'float32', 9);
    m.apply(data, { training: true }); // moves the batch-norm statistics away from (0, 1)
    const before = m.predict(data) as tf.Tensor;

    await m.save(`file://${dir}`);
    const loaded = await loadLayersModel(`file://${join(dir, 'model.json')}`);
    const after = loaded.predict(data) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    for (const layer of chain) {
      const original = m.getLayer(layer.name);
      const restored = loaded.getLayer(layer.name);
      expect(restored.getClassName()).toBe(original.getClassName());
      expect(restored.getConfig()).toEqual(original.getConfig());
      const w0 = original.getWeights().map((t) => Array.from(t.dataSync()));
      expect(restored.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(w0);
    }
  });
});
