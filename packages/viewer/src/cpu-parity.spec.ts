// The browser's fallback path in Node: models loaded with only the browser
// entry's layer registrations, run on tfjs's plain-JavaScript `cpu` backend
// (the code the page runs when neither WebGL nor WebAssembly starts), give
// the outputs of native TensorFlow (tfjs-node, as the eval stage runs them)
// to 1e-4.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateImage } from '@sgvae/data/browser';
import { customLayerClassNames } from '@sgvae/models/browser';
import { buildDecoder, buildEncoder, type EncoderKind } from '@sgvae/models';
import { tinyConfig } from './testing/fixtures.ts';
import './testing/setup-backend.ts';

afterAll(async () => {
  await tf.setBackend('tensorflow');
});

async function artifactsOf(model: LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  // Through JSON, as the page reads model.json.
  const a = saved! as tf.io.ModelArtifacts;
  return { ...a, modelTopology: JSON.parse(JSON.stringify(a.modelTopology)) };
}

function digitLike(size: number, seed: number): Float32Array {
  const img = new Uint8Array(size * size);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c - 2 * Math.sin(seed), y - c);
      if (Math.abs(r - 7 - (seed % 3)) < 1.6 || (Math.abs(x - c - 3) < 1.5 && y > c - 9 && y < c + 8)) img[y * size + x] = 255;
    }
  }
  const turned = rotateImage(img, size, 30 * seed + 7, { supersample: 3 });
  return Float32Array.from(turned, (v) => v / 255);
}

async function run(encoder: LayersModel, decoder: LayersModel, images: Float32Array, n: number, size: number): Promise<Float32Array[]> {
  const out = tf.tidy(() => {
    const [mu, kappa] = encoder.apply(tf.tensor4d(images, [n, size, size, 1]), { training: false }) as tf.Tensor[];
    const recon = tf.sigmoid(decoder.apply(mu!, { training: false }) as tf.Tensor);
    return [mu!, kappa!, recon];
  });
  const arrays = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(out);
  return arrays;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the browser entry on the cpu backend against tfjs-node', () => {
  for (const kind of ['gcnn', 'so2', 'cnn'] as EncoderKind[]) {
    it(`${kind}: mu, kappa and the reconstruction agree to 1e-4`, async () => {
      await tf.setBackend('tensorflow');
      const config = tinyConfig(kind, kind === 'cnn' ? 5 : 3);
      const size = config.imageSize;
      const n = 3;
      const images = new Float32Array(n * size * size);
      for (let i = 0; i < n; i++) images.set(digitLike(size, i + 1), i * size * size);
      const encoder = buildEncoder(config);
      const decoder = buildDecoder(config);
      const classes = new Set<string>();
      const enc = await artifactsOf(encoder);
      const dec = await artifactsOf(decoder);
      JSON.stringify([enc.modelTopology, dec.modelTopology], (k, v) => {
        if (k === 'class_name' && typeof v === 'string') classes.add(v);
        return v;
      });
      const native = await run(encoder, decoder, images, n, size);
      encoder.dispose();
      decoder.dispose();

      await tf.setBackend('cpu');
      expect(tf.getBackend()).toBe('cpu');
      const e2 = await loadLayersModel(tf.io.fromMemory(enc));
      const d2 = await loadLayersModel(tf.io.fromMemory(dec));
      const cpu = await run(e2, d2, images, n, size);
      e2.dispose();
      d2.dispose();
      await tf.setBackend('tensorflow');

      const custom = customLayerClassNames().filter((c) => classes.has(c));
      expect(custom.length).toBeGreaterThan(2);
      const [mu, kappa, recon] = native.map((a, i) => maxAbsDiff(a, cpu[i]!));
      expect(mu).toBeLessThan(1e-4);
      expect(kappa).toBeLessThan(1e-4);
      expect(recon).toBeLessThan(1e-4);
    });
  }
});
