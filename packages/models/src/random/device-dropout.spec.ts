import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { withMathRandom } from '../testing/seeded-math-random.ts';
import { DeviceDropout, deviceDropout } from './device-dropout.ts';
import { RandomArgumentError } from './errors.ts';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

afterEach(async () => {
  await tf.setBackend('tensorflow');
});

/** Saves `model` to memory and loads it back, as a file would go. */
async function roundTrip(model: tfl.LayersModel): Promise<{ loaded: tfl.LayersModel; topology: string }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  return { loaded, topology: JSON.stringify(artifacts!.modelTopology) };
}

describe('deviceDropout', () => {
  it('keeps 1 - rate of the entries, scales them by 1 / (1 - rate) and preserves the mean', () => {
    const rate = 0.3;
    const n = 200_000;
    const y = values(withMathRandom(1, () => deviceDropout(tf.ones([400, 500]), rate)));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / (1 - rate))]));
    // Binomial(n, 0.7): standard error sqrt(0.21 / n) = 1.0e-3; the bound is 6 of them.
    expect(Math.abs(kept.length / n - (1 - rate))).toBeLessThan(6.2e-3);
    // The mean of y estimates E[y] = 1 with standard error sqrt(rate / (1 - rate) / n) = 1.5e-3.
    const mean = y.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(9e-3);
  });

  it('draws the same mask for the same Math.random seed and another for another seed', () => {
    const x = tf.randomNormal([10, 30], 0, 1, 'float32', 3);
    const a = withMathRandom(11, () => values(deviceDropout(x, 0.5)));
    expect(withMathRandom(11, () => values(deviceDropout(x, 0.5)))).toEqual(a);
    expect(withMathRandom(12, () => values(deviceDropout(x, 0.5)))).not.toEqual(a);
  });

  it('shares one draw along the axes where noiseShape is 1', () => {
    const y = withMathRandom(2, () => deviceDropout(tf.ones([8, 5, 6]), 0.5, [8, 1, 6])).arraySync() as number[][][];
    let dropped = 0;
    for (const plane of y) {
      for (let j = 0; j < 6; j++) {
        const column = plane.map((row) => row[j]!);
        expect(new Set(column).size).toBe(1);
        if (column[0] === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(48);
    expect(() => deviceDropout(tf.ones([8, 5, 6]), 0.5, [8, 2, 6])).toThrow(/does not broadcast/);
    expect(() => deviceDropout(tf.ones([8, 5]), 0.5, [8, 5, 1])).toThrow(RandomArgumentError);
  });

  it('has gradient mask / (1 - rate): the mask is a constant', () => {
    const rate = 0.4;
    const x = tf.randomNormal([6, 7], 0, 1, 'float32', 1);
    const w = tf.randomNormal([6, 7], 0, 1, 'float32', 2);
    const f = (t: tf.Tensor): tf.Scalar => tf.sum(tf.mul(deviceDropout(t, rate), w));
    const seed = 5;
    const y = values(withMathRandom(seed, () => deviceDropout(x, rate)));
    const g = values(withMathRandom(seed, () => tf.grad(f)(x)));
    const wv = values(w);
    const scale = 1 / (1 - rate);
    const mask = y.map((v) => (v === 0 ? 0 : 1));
    expect(mask).toContain(0);
    expect(mask).toContain(1);
    g.forEach((gi, i) => expect(gi).toBeCloseTo(wv[i]! * mask[i]! * scale, 5));
    // Central differences with the mask held fixed by reseeding: f is linear in x, so they match to rounding.
    const h = 1e-2;
    const fAt = (t: tf.Tensor): number => withMathRandom(seed, () => f(t).dataSync()[0]!);
    for (const i of [0, 5, 17, 41]) {
      const e = tf.mul(tf.reshape(tf.oneHot([i], 42), [6, 7]), h);
      const fd = (fAt(tf.add(x, e)) - fAt(tf.sub(x, e))) / (2 * h);
      expect(fd).toBeCloseTo(g[i]!, 3);
    }
  });

  it('returns a copy at rate 0 and refuses bad rates and dtypes', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = deviceDropout(x, 0);
    expect(y).not.toBe(x);
    expect(values(y)).toEqual([1, 2, 3]);
    expect(() => deviceDropout(x, 1)).toThrow(/rate must be in \[0, 1\)/);
    expect(() => deviceDropout(x, -0.1)).toThrow(RandomArgumentError);
    expect(() => deviceDropout(tf.tensor1d([1, 2], 'int32'), 0.5)).toThrow(/float32/);
  });

  it('falls back to tf.randomUniform on the cpu backend, dropping what tf.dropout drops', async () => {
    await tf.setBackend('cpu');
    const x = tf.randomNormal([20, 50], 0, 1, 'float32', 4);
    const rate = 0.25;
    const ours = withMathRandom(6, () => values(deviceDropout(x, rate)));
    const theirs = withMathRandom(6, () => values(tf.dropout(x, rate)));
    expect(ours.map((v) => v === 0)).toEqual(theirs.map((v) => v === 0));
    ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 5));
    expect(withMathRandom(6, () => values(deviceDropout(x, rate)))).toEqual(ours);
  });
});

describe('DeviceDropout layer', () => {
  it('is the identity at inference and drops in training', () => {
    const layer = new DeviceDropout({ rate: 0.5 });
    const x = tf.ones([4, 100]);
    const inference = layer.apply(x) as tf.Tensor;
    expect(inference).not.toBe(x);
    expect(values(inference).every((v) => v === 1)).toBe(true);
    expect(values(layer.apply(x, { training: false }) as tf.Tensor).every((v) => v === 1)).toBe(true);
    const trained = values(withMathRandom(1, () => layer.apply(x, { training: true }) as tf.Tensor));
    expect(new Set(trained)).toEqual(new Set([0, 2]));
    expect(trained).toEqual(values(withMathRandom(1, () => deviceDropout(x, 0.5))));
  });

  it('resolves null noiseShape entries to the input size, and a seed fixes the mask', () => {
    const x = tf.ones([2, 3, 3, 40]);
    const channels = new DeviceDropout({ rate: 0.5, noiseShape: [null, 1, 1, null] });
    const y = channels.apply(x, { training: true }) as tf.Tensor;
    const perChannel = tf.reshape(y, [2, 9, 40]).arraySync() as number[][][];
    for (const img of perChannel) for (let c = 0; c < 40; c++) expect(new Set(img.map((px) => px[c])).size).toBe(1);
    const seeded = new DeviceDropout({ rate: 0.5, seed: 17 });
    const a = values(withMathRandom(1, () => seeded.apply(x, { training: true }) as tf.Tensor));
    expect(values(withMathRandom(2, () => seeded.apply(x, { training: true }) as tf.Tensor))).toEqual(a);
    expect(() => new DeviceDropout({ rate: 1 })).toThrow(RandomArgumentError);
    expect(() => new DeviceDropout({ rate: 0.5, noiseShape: [0] })).toThrow(/noiseShape/);
    expect(() => new DeviceDropout({ rate: 0.5, seed: 0.5 })).toThrow(/seed/);
  });

  it('saves under its own class name with Keras Dropout config fields and loads back', async () => {
    const inp = tfl.input({ shape: [12] });
    const dense = tfl.layers.dense({ units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }), name: 'dense' });
    const out = new DeviceDropout({ rate: 0.2, noiseShape: [null, 8], name: 'drop' }).apply(dense.apply(inp) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: inp, outputs: out });
    const { loaded, topology } = await roundTrip(model);
    const restored = loaded.getLayer('drop');
    expect(restored).toBeInstanceOf(DeviceDropout);
    expect(restored.getConfig()).toEqual(model.getLayer('drop').getConfig());
    expect(topology).toContain('"class_name":"DeviceDropout"');
    const data = tf.randomNormal([5, 12], 0, 1, 'float32', 8);
    expect(values(loaded.predict(data) as tf.Tensor)).toEqual(values(model.predict(data) as tf.Tensor));
    const ours = Object.keys(new DeviceDropout({ rate: 0.2 }).getConfig()).sort();
    const keras = Object.keys(tfl.layers.dropout({ rate: 0.2 }).getConfig()).sort();
    expect(ours).toEqual(keras);
  });

  it('leaves models saved with the Keras Dropout class loadable', async () => {
    const inp = tfl.input({ shape: [6] });
    const out = tfl.layers.dropout({ rate: 0.3, name: 'old_drop' }).apply(inp) as tfl.SymbolicTensor;
    const { loaded, topology } = await roundTrip(tfl.model({ inputs: inp, outputs: out }));
    expect(topology).toContain('"class_name":"Dropout"');
    expect(loaded.getLayer('old_drop').getClassName()).toBe('Dropout');
  });
});
