// Integration with the real networks of @sgvae/models (untrained): the
// train stage's folder layout, custom-layer loading, and the chain
// rotation -> encoder -> invariance metric.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDecoder, buildEncoder, vaePreset } from '@sgvae/models';
import { rotateImage, writeTrainManifest } from '@sgvae/contracts';
import { saveLayersModel } from '@sgvae/train';
import { afterAll, describe, expect, it } from 'vitest';
import { cosineCurve } from '../metrics/invariance.ts';
import { vaeManifest } from '../testing/tiny-models.ts';
import { classTemplate, SYNTH_SIZE } from '../testing/synthetic.ts';
import { loadVae } from './load-models.ts';

const root = await mkdtemp(join(tmpdir(), 'sgvae-eval-real-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function writeVae(dir: string, kind: 'gcnn' | 'cnn'): Promise<number> {
  const config = { ...vaePreset('default', kind), seed: 3 };
  await saveLayersModel(buildEncoder(config), join(dir, 'encoder'));
  await saveLayersModel(buildDecoder(config), join(dir, 'decoder'));
  writeTrainManifest(dir, vaeManifest(config, { seed: 3, augmentRotation: kind === 'cnn', augmentTarget: 'upright' }));
  return config.imageSize;
}

/** A digit-like picture centred in a size x size frame. */
function picture(size: number, label: number): Float32Array {
  const out = new Float32Array(size * size);
  const t = classTemplate(label);
  const off = (size - SYNTH_SIZE) >> 1;
  for (let y = 0; y < SYNTH_SIZE; y++) for (let x = 0; x < SYNTH_SIZE; x++) out[(y + off) * size + x + off] = t[y * SYNTH_SIZE + x];
  return out;
}

describe('real @sgvae/models networks through the eval loader', () => {
  it('loads the S-GVAE and the augmented S-VAE; the G-CNN embedding is invariant to quarter turns', async () => {
    const size = await writeVae(join(root, 'sgvae'), 'gcnn');
    await writeVae(join(root, 'svae'), 'cnn');
    const sgvae = await loadVae(join(root, 'sgvae'), { name: 'sgvae', batchSize: 8 });
    const svae = await loadVae(join(root, 'svae'), { name: 'aug', batchSize: 8 });
    expect(sgvae).toMatchObject({ kind: 'sgvae', label: 'S-GVAE', imageSize: size });
    expect(svae).toMatchObject({ kind: 'svae-aug', label: 'S-VAE + rotation augmentation (upright targets) (aug)' });

    const angles = [0, 90, 180, 270];
    const digits = [2, 7];
    const px = size * size;
    const images = new Float32Array(digits.length * angles.length * px);
    digits.forEach((d, i) => angles.forEach((a, k) => images.set(rotateImage(picture(size, d), size, a), (i * angles.length + k) * px)));
    const { mu, kappa } = await sgvae.encode(images, digits.length * angles.length);
    for (let i = 0; i < kappa.length; i++) {
      expect(Math.hypot(...mu.subarray(i * sgvae.latentDim, (i + 1) * sgvae.latentDim))).toBeCloseTo(1, 4);
      expect(kappa[i]).toBeGreaterThan(0);
    }
    const refs = new Float32Array(digits.length * sgvae.latentDim);
    digits.forEach((_, i) => refs.set(mu.subarray(i * angles.length * sgvae.latentDim, (i * angles.length + 1) * sgvae.latentDim), i * sgvae.latentDim));
    const curve = cosineCurve(mu, refs, sgvae.latentDim, { angles, digits: digits.length });
    for (const c of curve.mean) expect(c).toBeGreaterThan(1 - 1e-4);
    const recon = await sgvae.decode(mu, 2);
    expect(recon).toHaveLength(2 * px);
    expect(recon.every((v) => v >= 0 && v <= 1)).toBe(true);
    sgvae.dispose();
    svae.dispose();
  });
});
