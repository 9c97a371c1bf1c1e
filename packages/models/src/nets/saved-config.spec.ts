// Encoders saved with version-0 configs by the code before config versions
// (testing/fixtures/config-v0): the saved config, migrated, builds the same
// network, and the saved weights give the mu and kappa recorded when they
// were written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectRecordedEncoding, readRecordedEncoding } from '@sgvae/contracts/testing/recorded-encoding';
import { describe, expect, it } from 'vitest';
import { readVaeNetConfig } from './config.ts';
import { buildEncoder } from './encoders.ts';
import { loadNet } from './io.ts';

const FIXTURES = join(import.meta.dirname, '..', 'testing', 'fixtures', 'config-v0');

const base64 = (t: tf.Tensor): string => Buffer.from((t.dataSync() as Float32Array).buffer).toString('base64');

describe('encoders saved with version-0 configs', () => {
  for (const name of ['gcnn-before-options', 'so2-before-options', 'cnn']) {
    it(`${name}: the migrated config rebuilds the saved network, which gives the recorded mu and kappa`, async () => {
      const dir = join(FIXTURES, name);
      const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(saved.configVersion).toBeUndefined();
      const expected = readRecordedEncoding(join(dir, 'expected.json'));
      const config = readVaeNetConfig(saved);
      const loaded = await loadNet(join(dir, 'encoder'));
      const rebuilt = buildEncoder(config);
      // Same layers, same weight shapes; the rebuilt network takes the saved weights by layer name.
      expect(rebuilt.layers.map((l) => [l.name, l.getClassName()])).toEqual(loaded.layers.map((l) => [l.name, l.getClassName()]));
      for (const layer of rebuilt.layers) layer.setWeights(loaded.getLayer(layer.name).getWeights());
      // Scaled on the device, as when the values were recorded (a float64 division rounds differently in the last bit).
      const x = tf.div(tf.tensor4d(Float32Array.from(Buffer.from(expected.pixels, 'base64')), [expected.count, expected.size, expected.size, 1]), 255);
      const [muLoaded, kappaLoaded] = loaded.predict(x) as tf.Tensor[];
      const [muRebuilt, kappaRebuilt] = rebuilt.predict(x) as tf.Tensor[];
      // Same backend, same network, same weights: the same bits.
      expect(base64(muRebuilt!)).toBe(base64(muLoaded!));
      expect(base64(kappaRebuilt!)).toBe(base64(kappaLoaded!));
      expectRecordedEncoding(muLoaded!.dataSync() as Float32Array, kappaLoaded!.dataSync() as Float32Array, expected);
      tf.dispose([x, muLoaded!, kappaLoaded!, muRebuilt!, kappaRebuilt!]);
      loaded.dispose();
      rebuilt.dispose();
    });
  }
});
