// A model folder saved by the train stage of an earlier commit (a smoke
// S-GVAE: C8 G-CNN encoder with an orbit of three input turns) still loads,
// and encodes the images it was checked on to the mu and kappa recorded when
// it was saved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numericsProvenance } from '@sgvae/contracts';
import { describe, expect, it } from 'vitest';
import { loadVae } from './load-models.ts';

const FIXTURE = join(import.meta.dirname, '..', 'testing', 'fixtures', 'smoke-sgvae');

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

const float32 = (base64: string): Float32Array => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

describe('a model saved by an earlier commit', () => {
  it('loads and gives the recorded mu and kappa: bit for bit on the kind of machine that recorded them', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
    const vae = await loadVae(FIXTURE, { name: 'sgvae', batchSize: 4 });
    expect(vae).toMatchObject({ kind: 'sgvae', label: 'S-GVAE', latentDim: 3, imageSize: 33, seed: 1 });
    const images = Float32Array.from(Buffer.from(expected.pixels, 'base64'), (v) => v / 255);
    const { mu, kappa } = await vae.encode(images, expected.count);
    vae.dispose();
    const here = numericsProvenance(process.env, 'tensorflow');
    const sameMachineKind =
      JSON.stringify([here.cpu.kernelFlags, here.onednn, here.arch, here.cpu.logicalCores, here.env]) ===
      JSON.stringify([expected.machine.kernelFlags, expected.machine.onednn, expected.machine.arch, expected.machine.logicalCores, expected.machine.env]);
    if (sameMachineKind) {
      expect(Buffer.from(mu.buffer, mu.byteOffset, mu.byteLength).toString('base64')).toBe(expected.mu);
      expect(Buffer.from(kappa.buffer, kappa.byteOffset, kappa.byteLength).toString('base64')).toBe(expected.kappa);
    } else {
      // Other kernels round differently; the model is still the same function.
      expect(Array.from(mu)).toEqual(Array.from(float32(expected.mu)).map((v) => expect.closeTo(v, 5)));
      expect(Array.from(kappa)).toEqual(Array.from(float32(expected.kappa)).map((v) => expect.closeTo(v, 3)));
    }
  });
});
