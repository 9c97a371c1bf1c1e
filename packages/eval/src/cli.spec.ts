import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDatasets, parseDataParams } from '@sgvae/data';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckCli } from './check-cli.ts';
import { runCli } from './cli.ts';
import { runModelCli } from './model-cli.ts';
import type { EvaluationResults } from './results.ts';
import { mnistLikeDigits as digits } from './testing/synthetic.ts';
import { writeTinyJudge, writeTinyVae } from './testing/tiny-models.ts';

const root = await mkdtemp(join(tmpdir(), 'sgvae-eval-cli-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const SIZE = 29;
const data = join(root, 'datasets');
await buildDatasets(
  parseDataParams({
    seed: 1,
    size: SIZE,
    subset: { total: 200, testFraction: 0.2 },
    validationFraction: 0.1,
    supersample: 1,
    sets: {
      'test-rotated': { source: 'test', count: 60, rotation: { kind: 'uniform', min: -180, max: 180 } },
      'test-69-rotated': { source: 'test', digits: [6, 9], rotation: { kind: 'uniform', min: -180, max: 180 } },
      'test-rotation-grid': { source: 'test', count: 10, rotation: { kind: 'grid', step: 30 } },
    },
  }),
  data,
  { sources: { train: digits(300), test: digits(100) } },
);
await writeTinyVae(join(root, 'train-sgvae'), { size: SIZE, latentDim: 3, encoderKind: 'gcnn' });
await writeTinyVae(join(root, 'train-svae'), { size: SIZE, latentDim: 6, encoderKind: 'cnn' });
await writeTinyJudge(join(root, 'train-judge'), SIZE);
for (const [model, beta] of [['gcnn', 0.1], ['cnn', 0.1], ['cnn', 150]] as const) {
  const dir = join(root, 'sweep', `${model}-b${beta}-d6`);
  await writeTinyVae(dir, { size: SIZE, latentDim: 6, encoderKind: model, params: { seed: 1, beta } });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  manifest.metrics = { epoch: 3, valLoss: 90 + beta / 10 };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}
const paramsFile = join(root, 'eval.json');
await writeFile(paramsFile, JSON.stringify({ bootstrapResamples: 50, limits: { pose: 10, latentPoints: 40 }, batchSize: 16 }));
await writeFile(join(root, 'pipeline.json'), JSON.stringify({ stages: [{ name: 'build-datasets', seconds: 3.5, cacheHit: true }] }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, cwd: root } };
}

describe('eval CLI', () => {
  it('evaluates trained models on the data stage output and writes a report the checker accepts', async () => {
    const run = io();
    const code = await runCli(
      ['--params', paramsFile, '--data', 'datasets', '--models', 'sgvae=train-sgvae', 'svae=train-svae', '--judge', 'train-judge', '--out', 'report',
        '--sweep', 'sweep', '--pipeline-info', 'pipeline.json'],
      run.io,
    );
    expect(run.err.filter((l) => l.startsWith('error') || l.startsWith('unexpected'))).toEqual([]);
    expect(code).toBe(0);
    expect(run.out.join('\n')).toMatch(/S-GVAE .*\n.*S-VAE .*[\s\S]*report: .*report[/\\]report\.md/);
    const results = JSON.parse(await readFile(join(root, 'report', 'results.json'), 'utf8')) as EvaluationResults;
    expect(results.counts.rotated).toBe(60);
    expect(results.counts['rotated-6'] + results.counts['rotated-9']).toBe(20);
    expect(results.invariance[0].cosine.angles).toHaveLength(12);
    expect(results.sweep?.entries).toHaveLength(3);
    expect(results.sweep?.entries.find((e) => e.model === 'svae' && e.beta === 150)).toMatchObject({ lossPerImage: 105, lossOnPaperScale: 525_000, paper: 24_900 });
    expect(results.provenance?.pipeline).toEqual([{ name: 'build-datasets', seconds: 3.5, cacheHit: true }]);
    expect(results.provenance?.seeds).toMatchObject({ eval: 0, sgvae: 7, svae: 7, judge: 3 });
    expect(results.provenance?.backend).toBe('tensorflow');
    const check = io();
    expect(await runCheckCli([join(root, 'report')], check.io)).toBe(0);
    expect(check.out[0]).toMatch(/11 tables and 7 figures pass/);
    // The data stage's training digits are the kNN reference: two cells per model.
    expect(results.knn.map((c) => `${c.model}/${c.set}`)).toEqual(['sgvae/upright', 'sgvae/rotated', 'svae/upright', 'svae/rotated']);
    const md = await readFile(join(root, 'report', 'report.md'), 'utf8');
    expect(md).toMatch(/Table 2: validation loss/);
  });

  it('exits 2 with the usage on a missing flag and on bad params', async () => {
    const run = io();
    expect(await runCli(['--data', 'd'], run.io)).toBe(2);
    expect(run.err[0]).toMatch(/--params is required/);
    await writeFile(join(root, 'bad.json'), JSON.stringify({ batchsize: 3 }));
    const bad = io();
    expect(await runCli(['--params', 'bad.json', '--data', 'd', '--judge', 'j', '--out', 'o', '--models', 'sgvae=s'], bad.io)).toBe(2);
    expect(bad.err[0]).toMatch(/^error: bad.json: `batchsize` is not a known key \(did you mean `batchSize`\?\)/);
    const missing = io();
    expect(await runCli(['--params', 'missing.json', '--data', 'd', '--judge', 'j', '--out', 'o', '--models', 'sgvae=s'], missing.io)).toBe(2);
    expect(missing.err).toEqual([`error: ${join(root, 'missing.json')}: cannot be read (ENOENT: no such file); pass an existing .json or .yaml file to --params`]);
    await writeFile(join(root, 'broken.yaml'), 'batchSize: [3\n');
    const broken = io();
    expect(await runCli(['--params', 'broken.yaml', '--data', 'd', '--judge', 'j', '--out', 'o', '--models', 'sgvae=s'], broken.io)).toBe(2);
    expect(broken.err).toHaveLength(1);
    expect(broken.err[0]).toMatch(/^error: \S*broken\.yaml: is not valid YAML at line 2, column 1 \(.+\); fix the syntax there, or pass another file to --params$/);
  });

  it('exits 1 naming the missing artifact', async () => {
    const run = io();
    expect(await runCli(['--params', paramsFile, '--data', 'datasets', '--models', 'sgvae=nowhere', '--judge', 'train-judge', '--out', 'o'], run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/nowhere[\\/]manifest\.json: is missing, so the folder holds no finished training run\. Train it first/);
  });
});

describe('each model evaluated in its own process (model-cli.ts), merged by cli.ts --evaluated', () => {
  const withoutProvenance = (r: EvaluationResults) => ({ ...r, provenance: null });
  const evaluateOne = async (spec: string, out: string, params = paramsFile) => {
    const run = io();
    const code = await runModelCli(['--params', params, '--data', 'datasets', '--model', spec, '--judge', 'train-judge', '--out', out], run.io);
    return { code, ...run };
  };

  it('gives the report of one process that evaluates every model: the same results and the same figures', async () => {
    for (const [spec, out] of [['sgvae=train-sgvae', 'ev-sgvae'], ['svae=train-svae', 'ev-svae']]) {
      const r = await evaluateOne(spec, out);
      expect(r.err.filter((l) => l.startsWith('error') || l.startsWith('unexpected'))).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.out.join('\n')).toMatch(/\(s?g?vae\): upright \d+\.\d%, rotated \d+\.\d%, mean cosine \d\.\d{3}, kNN rotated \d+\.\d%\nevaluation: /);
    }
    const merged = io();
    // The second name arrives as a positional and belongs to --evaluated, the flag before it.
    const args = ['--params', paramsFile, '--data', 'datasets', '--evaluated', 'sgvae=ev-sgvae', 'svae=ev-svae', '--judge', 'train-judge', '--out', 'merged'];
    expect(await runCli(args, merged.io)).toBe(0);
    const inProcess = io();
    expect(await runCli(['--params', paramsFile, '--data', 'datasets', '--models', 'sgvae=train-sgvae', 'svae=train-svae', '--judge', 'train-judge', '--out', 'in-process'], inProcess.io)).toBe(0);
    const read = async (dir: string) => JSON.parse(await readFile(join(root, dir, 'results.json'), 'utf8')) as EvaluationResults;
    const [a, b] = [await read('merged'), await read('in-process')];
    expect(withoutProvenance(a)).toEqual(withoutProvenance(b));
    for (const f of b.figures) {
      expect(await readFile(join(root, 'merged', f.png)), f.png).toEqual(await readFile(join(root, 'in-process', f.png)));
      expect(await readFile(join(root, 'merged', f.svg), 'utf8'), f.svg).toBe(await readFile(join(root, 'in-process', f.svg), 'utf8'));
    }
    // Provenance names the evaluation folders and the models they came from.
    expect(a.provenance?.inputs).toMatchObject({ 'model sgvae': join(root, 'train-sgvae'), 'evaluation sgvae': join(root, 'ev-sgvae') });
    expect(a.provenance?.modelEvaluations?.map((e) => e.model)).toEqual(['sgvae', 'svae']);
    expect(a.provenance?.timings.map((t) => t.name)).toContain('sgvae: rotated set');
    const check = io();
    expect(await runCheckCli([join(root, 'merged')], check.io)).toBe(0);
    // Mixed: one model in-process, one from its folder, in the order --models then --evaluated.
    const mixed = io();
    expect(await runCli(['--params', paramsFile, '--data', 'datasets', '--evaluated', 'svae=ev-svae', '--models', 'sgvae=train-sgvae', '--judge', 'train-judge', '--out', 'mixed'], mixed.io)).toBe(0);
    expect((await read('mixed')).models.map((m) => m.name)).toEqual(['sgvae', 'svae']);
  });

  it('refuses an evaluation made from other inputs, naming the file and what differs', async () => {
    const other = join(root, 'eval-other.json');
    await writeFile(other, JSON.stringify({ bootstrapResamples: 50, limits: { pose: 11, latentPoints: 40 }, batchSize: 16 }));
    expect((await evaluateOne('svae=train-svae', 'ev-other', other)).code).toBe(0);
    const run = io();
    const args = (spec: string) => ['--params', paramsFile, '--data', 'datasets', '--evaluated', spec, '--judge', 'train-judge', '--out', 'never'];
    expect(await runCli(args('svae=ev-other'), run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/ev-other[\\/]model-evaluation\.json was made with other eval params than this report \(first difference at `params\.limits\.pose`\); evaluate the model again/);
    expect(await runCli(args('sgvae=ev-svae'), run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/--evaluated sgvae=\S*ev-svae holds the evaluation of model "svae"; name it svae=\S*ev-svae$/);
    expect(await runCli(args('svae=train-svae'), run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/train-svae[\\/]model-evaluation\.json does not exist: .* is not a model evaluation folder; write one with packages\/eval\/src\/model-cli\.ts/);
    // Another judge: a changed judge manifest.
    await cp(join(root, 'train-judge'), join(root, 'judge-2'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(root, 'judge-2', 'manifest.json'), 'utf8'));
    await writeFile(join(root, 'judge-2', 'manifest.json'), JSON.stringify({ ...manifest, seed: 4 }));
    const judged = io();
    expect(await runCli(['--params', paramsFile, '--data', 'datasets', '--evaluated', 'svae=ev-svae', '--judge', 'judge-2', '--out', 'never'], judged.io)).toBe(1);
    expect(judged.err.at(-1)).toMatch(/was scored by another judge than this report's/);
    // A damaged file.
    await writeFile(join(root, 'ev-other', 'model-evaluation.json'), '{"format": "sgvae-model-evaluation/1"}');
    expect(await runCli(args('svae=ev-other'), run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/model-evaluation\.json lacks or has a malformed `inputs`, `modelDir`/);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it('model-cli exits 2 with its usage on a missing flag', async () => {
    const run = io();
    expect(await runModelCli(['--params', paramsFile, '--data', 'datasets', '--judge', 'train-judge', '--out', 'x'], run.io)).toBe(2);
    expect(run.err.at(-1)).toMatch(/--model is required[\s\S]*Usage: npx tsx packages\/eval\/src\/model-cli\.ts/);
  });
});
