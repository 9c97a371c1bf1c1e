import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactCorruptError, ArtifactMissingError } from './errors.ts';
import { readTrainManifest, trainManifestJson, trainProvenance, type TrainManifest, writeTrainManifest } from './train-manifest.ts';

// Manifests of a smoke pipeline run made before the manifest moved here: an
// S-GVAE, an augmented S-VAE written before `augmentTarget` existed, and a
// judge. Only `data.dir` was made relative.
const FIXTURES = join(import.meta.dirname, 'testing', 'fixtures', 'smoke-models');

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));
function copyOf(name: string): string {
  const root = mkdtempSync(join(tmpdir(), 'train-manifest-'));
  roots.push(root);
  cpSync(join(FIXTURES, name), join(root, name), { recursive: true });
  return join(root, name);
}
function edit(dir: string, change: (m: Record<string, any>) => void): void {
  const file = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  change(m);
  writeFileSync(file, JSON.stringify(m, null, 2));
}

describe('train manifests', () => {
  it('reads the manifests of a VAE and a judge written before this change', () => {
    const sgvae = readTrainManifest(join(FIXTURES, 'sgvae'));
    if (sgvae.kind !== 'vae') throw new Error('expected a VAE');
    expect(sgvae.config).toMatchObject({ imageSize: 33, latent: { family: 'vmf', dim: 3 }, encoder: { kind: 'gcnn' } });
    expect(sgvae.params).toMatchObject({ seed: 1, beta: 0.1, augmentRotation: false });
    expect(sgvae.models).toEqual({ encoder: 'encoder/model.json', decoder: 'decoder/model.json' });
    expect(sgvae.numerics?.cpu.kernelFlags).toContain('avx2');
    expect(sgvae.numericsProblem).toBeUndefined();
    expect(sgvae.data.augmentation).toBe('none');
    const aug = readTrainManifest(join(FIXTURES, 'svae-aug'));
    if (aug.kind !== 'vae') throw new Error('expected a VAE');
    expect(aug.params.augmentRotation).toBe(true);
    expect(aug.params.augmentTarget).toBeUndefined();
    const judge = readTrainManifest(join(FIXTURES, 'judge'));
    if (judge.kind !== 'judge') throw new Error('expected a judge');
    expect(judge.test).toEqual({ loss: 2.278994560241699, accuracy: 0.109375, images: 128 });
    expect(judge.config.imageSize).toBe(33);
    expect(judge.codeFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes a manifest as the train stage always has: the same bytes back', () => {
    const out = mkdtempSync(join(tmpdir(), 'train-manifest-write-'));
    roots.push(out);
    for (const name of ['sgvae', 'svae-aug', 'judge']) {
      const text = readFileSync(join(FIXTURES, name, 'manifest.json'), 'utf8');
      expect(new TextDecoder().decode(trainManifestJson(JSON.parse(text) as TrainManifest))).toBe(text);
    }
    const manifest = readTrainManifest(join(FIXTURES, 'judge'));
    writeTrainManifest(out, manifest);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'judge', 'manifest.json'), 'utf8'));
  });

  it('names the file, the field and what to run when a field is wrong or the manifest is missing', () => {
    const dir = copyOf('sgvae');
    edit(dir, (m) => delete m.config.latent.dim);
    expect(() => readTrainManifest(dir)).toThrow(ArtifactCorruptError);
    expect(() => readTrainManifest(dir)).toThrow(/sgvae[\\/]manifest\.json: `config\.latent\.dim` is missing, expected an integer >= 1\. Train it first: .*train-vae/);
    edit(dir, (m) => {
      m.config.latent.dim = 3;
      m.models = { encoder: 'encoder/model.json' };
    });
    expect(() => readTrainManifest(dir)).toThrow(/`models\.decoder` is missing: a vae output has the models encoder and decoder/);
    edit(dir, (m) => {
      m.models.decoder = 'decoder/model.json';
      m.format = 2;
    });
    expect(() => readTrainManifest(dir)).toThrow(/`format` is 2: not a train-stage manifest of format 1/);
    rmSync(join(dir, 'manifest.json'));
    expect(() => readTrainManifest(dir)).toThrow(ArtifactMissingError);
    expect(() => readTrainManifest(dir)).toThrow(/manifest\.json: is missing, so the folder holds no finished training run\. Train it first/);
  });

  it('leaves a damaged numerics record out, saying why, instead of refusing the manifest', () => {
    const dir = copyOf('sgvae');
    edit(dir, (m) => delete m.numerics.cpu);
    const m = readTrainManifest(dir);
    expect(m.numerics).toBeUndefined();
    expect(m.numericsProblem).toBe('`numerics.cpu` is missing, expected an object');
  });

  it('fills in the provenance fields as the stages record them', () => {
    expect(trainProvenance({})).toEqual({ codeVersion: 'unknown', backend: 'unknown' });
    expect(Object.keys(trainProvenance({ codeVersion: 'abc', codeFingerprint: 'f', backend: 'tensorflow' }))).toEqual(['codeVersion', 'codeFingerprint', 'backend']);
  });
});
