// The export on small inputs: untrained networks of every encoder kind and a
// datasets folder of 100 test digits.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateImage } from '@sgvae/contracts';
import { readDatasetFrom } from '@sgvae/data';
import { DEFAULT_EVAL_PARAMS, PoseAligner, loadVae } from '@sgvae/eval';
import '../testing/setup-backend.ts';
import { runCli } from '../cli.ts';
import { DIGITS_FILE, REFERENCE_FILE, VIEWER_MANIFEST_FILE, checkViewerManifest, decodeDigits, decodeFloat32 } from '../format.ts';
import { cosine } from '../latent.ts';
import { writeTinyDatasets, writeTinyVae } from '../testing/fixtures.ts';
import { exportViewer, pickDigits, type ExportOptions } from './export-viewer.ts';
import { ViewerExportError } from './errors.ts';

const root = mkdtempSync(join(tmpdir(), 'sgvae-viewer-export-'));
const data = join(root, 'datasets');
const models = { sgvae: join(root, 'sgvae'), 'sgvae-so2': join(root, 'sgvae-so2'), 'svae-aug': join(root, 'svae-aug') };
const out = join(root, 'viewer');

beforeAll(async () => {
  await writeTinyDatasets(data);
  await writeTinyVae(models.sgvae, 'gcnn');
  await writeTinyVae(models['sgvae-so2'], 'so2');
  await writeTinyVae(models['svae-aug'], 'cnn', { latentDim: 5, params: { augmentRotation: true, augmentTarget: 'upright' } });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function options(over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    dataDir: data,
    models: Object.entries(models).map(([name, dir]) => ({ name, dir })),
    outDir: out,
    pipeline: 'smoke',
    codeVersion: 'abc1234',
    evalParams: DEFAULT_EVAL_PARAMS,
    digits: 40,
    referenceAngles: [0, 35, -130],
    ...over,
  };
}

describe('pickDigits', () => {
  it('takes about total/10 per class in dataset order, then tops up', () => {
    const labels = Uint8Array.from([0, 0, 0, 1, 1, 2, 0, 3]);
    expect(pickDigits(labels, 4)).toEqual([0, 3, 5, 7]);
    expect(pickDigits(labels, 20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => pickDigits(labels, 0)).toThrow(ViewerExportError);
  });
});

describe('exportViewer', () => {
  it('writes the page, the models, the digits, the latents and tfjs-node reference outputs', async () => {
    const manifest = await exportViewer(options());
    expect(readdirSync(root).filter((n) => n.startsWith('.viewer.'))).toEqual([]);
    const onDisk = checkViewerManifest(JSON.parse(readFileSync(join(out, VIEWER_MANIFEST_FILE), 'utf8')));
    expect(onDisk).toEqual(manifest);
    expect(manifest).toMatchObject({ pipeline: 'smoke', codeVersion: 'abc1234', image: { size: 33, supersample: 3, padding: { top: 2, left: 2 } } });
    for (const f of ['index.html', 'main.js', 'style.css', 'wasm/tfjs-backend-wasm.wasm', 'wasm/tfjs-backend-wasm-simd.wasm']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('npx nx run smoke--export-viewer:run');

    const digits = decodeDigits(readFileSync(join(out, DIGITS_FILE)));
    expect(digits.count).toBe(40);
    expect(manifest.digits.count).toBe(40);
    const test = readDatasetFrom(data, 'test');
    const px = 33 * 33;
    digits.indices.forEach((i, k) => {
      expect(digits.labels[k]).toBe(test.labels[i]);
      expect(Array.from(digits.images.subarray(k * px, (k + 1) * px))).toEqual(Array.from(test.images.subarray(i * px, (i + 1) * px)));
    });

    expect(manifest.models.map((m) => [m.name, m.kind, m.latentDim, m.latentView.kind, m.pose.available])).toEqual([
      ['sgvae', 'sgvae', 3, 'sphere', true],
      ['sgvae-so2', 'sgvae-so2', 3, 'sphere', true],
      ['svae-aug', 'svae-aug', 5, 'pca', true],
    ]);
    for (const m of manifest.models) {
      for (const f of [...m.encoder, ...m.decoder, m.manifest, m.latents]) expect(readFileSync(join(out, f.path)).length).toBe(f.bytes);
      const copied = JSON.parse(readFileSync(join(out, m.manifest.path), 'utf8'));
      expect(copied.kind).toBe('vae');
      expect(copied.data.dir).toBe('machine');
      expect(copied.data).toHaveProperty('train');
      expect(decodeFloat32(readFileSync(join(out, m.latents.path)), 40 * m.latentDim, m.latents.path)).toHaveLength(40 * m.latentDim);
    }

    // The reference outputs are what the eval stage's runner computes on the data stage's rotation.
    expect(manifest.reference.cases).toHaveLength(3 * 3);
    const recon = decodeFloat32(readFileSync(join(out, REFERENCE_FILE)), 9 * 3 * px, REFERENCE_FILE);
    const aligner = new PoseAligner(33);
    for (const [mi, m] of manifest.models.entries()) {
      const runner = await loadVae(join(out, 'models', m.name), { name: m.name, batchSize: 4 });
      for (const [ci, c] of manifest.reference.cases.entries()) {
        const upright = Float32Array.from(digits.images.subarray(c.digit * px, (c.digit + 1) * px), (v) => v / 255);
        const turned = Float32Array.from(rotateImage(digits.images.subarray(c.digit * px, (c.digit + 1) * px), 33, c.angle, { supersample: 3 }), (v) => v / 255);
        const e = await runner.encode(turned, 1);
        const u = await runner.encode(upright, 1);
        const r = await runner.decode(e.mu, 1);
        const ref = c.models[m.name]!;
        expect(ref.mu.map((v, k) => Math.abs(v - e.mu[k]!)).every((d) => d < 1e-6)).toBe(true);
        expect(ref.cosine).toBeCloseTo(cosine(e.mu, u.mu), 6);
        if (c.angle === 0) expect(ref.cosine).toBeCloseTo(1, 6);
        const stored = recon.subarray((ci * 3 + mi) * px, (ci * 3 + mi + 1) * px);
        expect(Math.max(...stored.map((v, k) => Math.abs(v - r[k]!)))).toBeLessThan(1e-6);
        expect(ref.pose).toBeCloseTo(aligner.estimate(turned, r).angle, 3);
      }
      runner.dispose();
    }
  });

  it('refuses bad input, says what to run, and leaves the previous export as it was', async () => {
    const before = readFileSync(join(out, VIEWER_MANIFEST_FILE));
    await expect(exportViewer(options({ models: [] }))).rejects.toThrow(/no model to export/);
    await expect(exportViewer(options({ models: [{ name: 'Big Name', dir: models.sgvae }] }))).rejects.toThrow(/must be lower-case/);
    await expect(exportViewer(options({ models: [{ name: 'a', dir: models.sgvae }, { name: 'a', dir: models.sgvae }] }))).rejects.toThrow(/given twice/);
    await expect(exportViewer(options({ models: [{ name: 'svae', dir: join(root, 'nowhere') }] }))).rejects.toThrow(/npx nx run smoke--train-vae@svae:run/);
    await expect(exportViewer(options({ dataDir: join(root, 'no-datasets') }))).rejects.toThrow(/build-datasets/);

    const judge = join(root, 'judge');
    await writeTinyVae(judge, 'cnn');
    const m = JSON.parse(readFileSync(join(judge, 'manifest.json'), 'utf8'));
    // A well-formed judge manifest: the export refuses it as not a VAE.
    writeFileSync(
      join(judge, 'manifest.json'),
      JSON.stringify({ ...m, kind: 'judge', models: { judge: 'encoder/model.json' }, params: { seed: 1 }, test: { loss: 1, accuracy: 0.5, images: 10 } }),
    );
    await expect(exportViewer(options({ models: [{ name: 'judge', dir: judge }] }))).rejects.toThrow(/not a VAE/);

    const broken = join(root, 'broken');
    await writeTinyVae(broken, 'cnn');
    unlinkSync(join(broken, 'decoder', 'weights.bin'));
    await expect(exportViewer(options({ models: [{ name: 'broken', dir: broken }] }))).rejects.toThrow(/broken/);

    writeFileSync(join(broken, 'manifest.json'), '{"format": 1, "kind": "vae", "models": ');
    await expect(exportViewer(options({ models: [{ name: 'broken', dir: broken }] }))).rejects.toThrow(/not valid JSON.*npx nx run smoke--train-vae@broken:run/);

    expect(readFileSync(join(out, VIEWER_MANIFEST_FILE))).toEqual(before);
    expect(readdirSync(root).filter((n) => n.startsWith('.viewer.'))).toEqual([]);
  });

  it('the CLI exits 2 on bad usage and 1 on a missing model, with the message', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), env: {}, cwd: root };
    expect(await runCli(['--out', out], io)).toBe(2);
    expect(lines.join('\n')).toMatch(/--data is required/);
    expect(await runCli(['--data', data, '--out', out, '--models', 'sgvae=x', '--digits', 'many'], io)).toBe(2);
    writeFileSync(join(root, 'eval.txt'), '{}');
    expect(await runCli(['--data', data, '--out', out, '--models', 'sgvae=x', '--eval-params', 'eval.txt'], io)).toBe(2);
    expect(lines.at(-1)).toBe(
      `error: ${join(root, 'eval.txt')}: has extension ".txt", so it is read as neither JSON nor YAML; pass a .json, .yaml or .yml file to --eval-params`,
    );
    expect(await runCli(['--data', data, '--out', out, '--models', 'sgvae=nowhere', '--pipeline', 'smoke'], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/^error: model "sgvae": .*nowhere.*npx nx run smoke--train-vae@sgvae:run/);
  });
});
