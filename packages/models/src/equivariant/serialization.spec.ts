import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { input, loadLayersModel, model, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupConv2D, LiftingConv2D } from './cyclic-conv.ts';
import { DiskMask } from './disk-mask.ts';
import { cyclicGroup, regularFields, trivialFields } from './field-type.ts';
import { GlobalDiskPooling } from './global-disk-pooling.ts';
import { GroupBatchNorm } from './group-batch-norm.ts';
import { GroupPooling } from './group-pooling.ts';
import { PointwiseActivation, PointwiseDropout } from './pointwise.ts';

const dir = mkdtempSync(join(tmpdir(), 'equivariant-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('save -> load round trip of every equivariant layer', () => {
  it('rebuilds each layer from its config and gives identical outputs', async () => {
    const g = cyclicGroup(4);
    const img = input({ shape: [17, 17, 1] });
    const chain: Array<{ apply: (x: SymbolicTensor) => unknown; name: string }> = [
      new DiskMask({ fieldType: trivialFields(g, 1), margin: 5, sigma: 1.5, name: 'mask' }),
      new LiftingConv2D({ inType: trivialFields(g, 1), outType: regularFields(4, 2), kernelSize: 5, stride: 2, seed: 3, name: 'lift' }),
      new GroupBatchNorm({ fieldType: regularFields(4, 2), momentum: 0.7, epsilon: 1e-4, name: 'bn' }),
      new PointwiseActivation({ fieldType: regularFields(4, 2), activation: 'elu', name: 'act' }),
      new PointwiseDropout({ fieldType: regularFields(4, 2), rate: 0.25, mode: 'field', name: 'drop' }),
      new GroupConv2D({
        inType: regularFields(4, 2),
        outType: regularFields(4, 3),
        kernelSize: 3,
        stride: 1,
        padding: 1,
        useBias: false,
        maxFrequency: 1,
        kernelInitializer: 'glorotUniform',
        seed: 5,
        name: 'gconv',
      }),
      new GroupPooling({ inType: regularFields(4, 3), mode: 'mean', name: 'gpool' }),
      new GlobalDiskPooling({ fieldType: trivialFields(g, 3), mode: 'max', margin: 10, sigma: 3, name: 'dpool' }),
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
