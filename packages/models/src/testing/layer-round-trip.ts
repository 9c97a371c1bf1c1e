// Shared check of the layer serialisation: chain the layers into a model,
// take one training step (so batch-norm statistics leave their initial
// values), save to disk, load through tfjs-layers' registry and compare the
// outputs, configs and weights of every layer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { input, loadLayersModel, model, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

export type ChainLayer = { apply: (x: SymbolicTensor) => unknown; name: string };

export async function expectLayerChainRoundTrip(chain: ChainLayer[], inputShape: [number, number, number], batch = 4): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'layer-round-trip-'));
  try {
    const img = input({ shape: inputShape });
    let x: SymbolicTensor = img;
    for (const layer of chain) x = layer.apply(x) as SymbolicTensor;
    const m = model({ inputs: img, outputs: x });
    const data = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 9);
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
