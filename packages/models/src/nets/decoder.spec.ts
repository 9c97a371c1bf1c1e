import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DeviceDropout } from '../random/device-dropout.ts';
import { withMathRandom } from '../testing/seeded-math-random.ts';
import { countDecoderParams, resolveVaeNetConfig, vaePreset } from './config.ts';
import { buildDecoder } from './decoder.ts';

describe('decoder', () => {
  it('maps z [B, m] to 1-channel logits at the input size, mirroring the encoder maps', () => {
    for (const preset of ['default', 'paper'] as const) {
      const cfg = vaePreset(preset, 'gcnn');
      const dec = buildDecoder(cfg);
      expect(dec.outputs[0]!.shape).toEqual([null, 33, 33, 1]);
      expect(dec.outputNames).toEqual(['logits']);
      const shapes = dec.layers.filter((l) => l.getClassName() === 'Cropping2D').map((l) => l.outputShape);
      // The encoder's maps in reverse: 9 -> 9 -> 17 -> 33 (default), 9 -> 17 -> 17 -> 33 (paper).
      const middle = preset === 'default' ? 9 : 17;
      expect(shapes).toEqual([
        [null, middle, middle, cfg.decoder.widths[1]],
        [null, 17, 17, cfg.decoder.widths[2]],
        [null, 33, 33, 1],
      ]);
      const c = countDecoderParams(cfg);
      expect(dec.countParams()).toBe(c.trainable + c.nonTrainable);
    }
    const dec = buildDecoder(vaePreset('default', 'cnn'));
    const y = dec.predict(tf.randomNormal([3, 6])) as tf.Tensor;
    expect(y.shape).toEqual([3, 33, 33, 1]);
  });

  it('follows other geometries and latent sizes', () => {
    const cfg = resolveVaeNetConfig({ imageSize: 32, latent: { dim: 3 }, encoder: { kind: 'cnn', kernelSize: 4, padding: 1 }, decoder: { kernelSize: 4 } });
    const dec = buildDecoder(cfg);
    expect(dec.inputs[0]!.shape).toEqual([null, 3]);
    expect(dec.outputs[0]!.shape).toEqual([null, 32, 32, 1]);
    expect(dec.outputNames).toEqual(['logits']);
  });

  it('drops with DeviceDropout: seeded by Math.random in training, the identity at inference', () => {
    const cfg = resolveVaeNetConfig({ encoder: { kind: 'cnn' }, decoder: { dropout: 0.2 }, seed: 1 });
    const dec = buildDecoder(cfg);
    const drops = dec.layers.filter((l) => l instanceof DeviceDropout);
    expect(drops.length).toBe(cfg.encoder.strides.length);
    expect(dec.layers.some((l) => l.getClassName() === 'Dropout')).toBe(false);
    const z = tf.randomNormal([2, cfg.latent.dim], 0, 1, 'float32', 3);
    const train = (seed: number): number[] => withMathRandom(seed, () => Array.from((dec.apply(z, { training: true }) as tf.Tensor).dataSync()));
    expect(train(5)).toEqual(train(5));
    expect(train(6)).not.toEqual(train(5));
    const infer = (): number[] => Array.from((dec.predict(z) as tf.Tensor).dataSync());
    expect(withMathRandom(5, infer)).toEqual(withMathRandom(6, infer));
  });
});
