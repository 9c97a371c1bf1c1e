import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVaeStage } from './stage/vae-stage.ts';
import { buildTinyDatasets } from './testing/tiny-datasets.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a child process; `onStderr` may send it a signal. */
function cli(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: '1', SGVAE_BACKEND: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'train-cli-'));
  await buildTinyDatasets(join(root, 'data'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const TIMING = new Set(['imagesPerSec', 'trainSeconds', 'validationSeconds']);
const rowsOf = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .map((l) => Object.fromEntries(Object.entries(JSON.parse(l) as Record<string, number>).filter(([k]) => !TIMING.has(k))));

describe('train CLI', () => {
  it('prints the defaults of a profile and refuses bad usage with exit status 2', async () => {
    const defaults = await cli(['defaults', 'vae', '--profile', 'paper']);
    expect(defaults.code).toBe(0);
    expect(JSON.parse(defaults.stdout)).toMatchObject({ profile: 'paper', learningRate: 0.01, batchSize: 100, latentDim: 6 });
    const bad = await cli(['vae', '--params', join(root, 'missing.json'), '--data', 'x', '--out', 'y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: \S*missing\.json: cannot be read \(ENOENT: no such file\); pass an existing \.json or \.yaml file to --params\n/);
  });

  it('stops on SIGTERM with a checkpoint and a resume command, then resumes to the uninterrupted result', async () => {
    const params = { profile: 'smoke', encoder: 'cnn', epochs: 2, latent: process.env.SGVAE_TEST_LATENT ?? 'vmf' };
    const paramsFile = join(root, 'params.json');
    await writeFile(paramsFile, JSON.stringify(params));
    const out = join(root, 'svae');
    const args = ['vae', '--params', paramsFile, '--data', join(root, 'data'), '--out', out, '--progress', 'plain', '--log-every', '0.001'];
    let sent = false;
    const first = await cli(args, (text, child) => {
      if (!sent && /epoch 1\/2 lr/.test(text)) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(first.stderr).toMatch(/SIGTERM: finishing the current step and writing a checkpoint/);
    expect(first.stderr).toMatch(/training interrupted \(SIGTERM\) at epoch \d, step \d+; checkpoint written to .*svae\.checkpoint.*Resume with: npx tsx .*cli\.ts vae --params/);
    expect(first.code).toBe(143);
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^vae cnn .*best epoch \d\/2 .*\(resumed\) \| wrote /);

    const reference = await runVaeStage({ params, dataDir: join(root, 'data'), outDir: join(root, 'ref') });
    const got = rowsOf(await readFile(join(out, 'metrics.jsonl'), 'utf8'));
    const want = rowsOf(await readFile(join(root, 'ref', 'metrics.jsonl'), 'utf8'));
    expect(got).toHaveLength(2);
    // Another process, interrupted and resumed: the same numbers, bit for bit.
    expect(got).toEqual(want);
    expect(reference.loop.rows).toHaveLength(2);
  });

  it('takes the seed from --seed and records the code and the machine in the manifest', async () => {
    const paramsFile = join(root, 'seed-params.json');
    await writeFile(paramsFile, JSON.stringify({ profile: 'smoke', encoder: 'cnn', epochs: 1, seed: 1 }));
    const out = join(root, 'seeded');
    const run = await cli(['vae', '--params', paramsFile, '--data', join(root, 'data'), '--out', out, '--seed', '7', '--progress', 'none']);
    expect(run.stderr).toMatch(/^numerics: .*oneDNN (on|off).*, tensorflow$/m);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Record<string, any>;
    expect(manifest.params.seed).toBe(7);
    expect(manifest.codeVersion).toMatch(/^[0-9a-f]{40}(\+dirty)?$/);
    expect(manifest.codeFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.numerics.backend).toBe('tensorflow');
    expect(manifest.numerics.cpu.logicalCores).toBeGreaterThan(0);
    expect(Array.isArray(manifest.numerics.cpu.kernelFlags)).toBe(true);
    const bad = await cli(['vae', '--params', paramsFile, '--data', join(root, 'data'), '--out', out, '--seed', 'two']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed must be a positive integer, got "two"/);
  });
});
