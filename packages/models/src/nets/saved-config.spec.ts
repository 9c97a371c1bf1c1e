// Encoders saved with version-0 configs by the code before config versions
// (testing/fixtures/config-v0): the saved config, migrated, builds the same
// network, and the saved weights give the mu and kappa recorded when they
// were written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { numericsProvenance } from '@sgvae/contracts';
import { describe, expect, it } from 'vitest';
import { readVaeNetConfig } from './config.ts';
import { buildEncoder } from './encoders.ts';
import { loadNet } from './io.ts';

const FIXTURES = join(import.meta.dirname, '..', 'testing', 'fixtures', 'config-v0');

interface Expected {
  size: number;
  count: number;
  /** uint8 pixels, base64. */
  pixels: string;
  /** float32 little-endian, base64. */
  mu: string;
  kappa: string;
  /** The machine facts that decide float rounding where the values were recorded. */
  machine: { kernelFlags: string[]; onednn: boolean; arch: string; logicalCores: number; env: Record<string, string> };
}

const base64 = (t: tf.Tensor): string => Buffer.from((t.dataSync() as Float32Array).buffer).toString('base64');
const float32 = (b64: string): number[] => {
  const bytes = Buffer.from(b64, 'base64');
  return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
};

describe('encoders saved with version-0 configs', () => {
  for (const name of ['gcnn-before-options', 'so2-before-options', 'cnn']) {
    it(`${name}: the migrated config rebuilds the saved network, which gives the recorded mu and kappa`, async () => {
      const dir = join(FIXTURES, name);
      const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(saved.configVersion).toBeUndefined();
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const config = readVaeNetConfig(saved);
      const loaded = await loadNet(join(dir, 'encoder'));
      const rebuilt = buildEncoder(config);
      // Same layers, same weight shapes; the rebuilt network takes the saved weights by layer name.
      expect(rebuilt.layers.map((l) => [l.name, l.getClassName()])).toEqual(loaded.layers.map((l) => [l.name, l.getClassName()]));
      for (const layer of rebuilt.layers) layer.setWeights(loaded.getLayer(layer.name).getWeights());
      const x = tf.div(tf.tensor4d(Float32Array.from(Buffer.from(expected.pixels, 'base64')), [expected.count, expected.size, expected.size, 1]), 255);
      const [muLoaded, kappaLoaded] = loaded.predict(x) as tf.Tensor[];
      const [muRebuilt, kappaRebuilt] = rebuilt.predict(x) as tf.Tensor[];
      // Same backend, same network, same weights: the same bits.
      expect(base64(muRebuilt!)).toBe(base64(muLoaded!));
      expect(base64(kappaRebuilt!)).toBe(base64(kappaLoaded!));
      const here = numericsProvenance(process.env, 'tensorflow');
      const sameMachineKind =
        JSON.stringify([here.cpu.kernelFlags, here.onednn, here.arch, here.cpu.logicalCores, here.env]) ===
        JSON.stringify([expected.machine.kernelFlags, expected.machine.onednn, expected.machine.arch, expected.machine.logicalCores, expected.machine.env]);
      if (sameMachineKind) {
        expect(base64(muLoaded!)).toBe(expected.mu);
        expect(base64(kappaLoaded!)).toBe(expected.kappa);
      } else {
        // Other kernels round differently; the model is still the same function.
        expect(Array.from(muLoaded!.dataSync())).toEqual(float32(expected.mu).map((v) => expect.closeTo(v, 5)));
        expect(Array.from(kappaLoaded!.dataSync())).toEqual(float32(expected.kappa).map((v) => expect.closeTo(v, 3)));
      }
      tf.dispose([x, muLoaded!, kappaLoaded!, muRebuilt!, kappaRebuilt!]);
      loaded.dispose();
      rebuilt.dispose();
    });
  }
});
