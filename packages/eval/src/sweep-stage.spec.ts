import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDatasets, parseDataParams } from '@sgvae/data';
import { afterAll, describe, expect, it } from 'vitest';
import { table2 } from './report/tables.ts';
import type { SweepEntry, SweepResult } from './results.ts';
import { runSweepCli } from './sweep-cli.ts';
import { checkReport } from './report/check-report.ts';
import { coverageLine, missingPoints, readGridFile, type SweepReportResults } from './sweep-stage.ts';
import { mnistLikeDigits } from './testing/synthetic.ts';
import { writeTinyVae } from './testing/tiny-models.ts';

const entry = (model: 'sgvae' | 'svae', beta: number, latentDim: number, lossPerImage: number): SweepEntry => ({
  model,
  beta,
  latentDim,
  lossPerImage,
  validationSize: 100,
  lossOnPaperScale: lossPerImage * 5000,
  epochs: 1,
});

describe('Table 2 of a sweep', () => {
  const sweep: SweepResult = {
    paperValidationSize: 5000,
    source: 'constructed',
    entries: [entry('sgvae', 0.1, 6, 120), entry('sgvae', 1, 6, 110), entry('svae', 0.1, 6, 100), entry('svae', 0.1, 3, 140)],
  };

  it('puts ours beside the paper per (beta, d) and marks each model\'s best, ours and the paper\'s separately', () => {
    const rows = table2(sweep).table.objects() as Record<string, string>[];
    expect(rows.map((r) => `${r.beta}/${r.d}`)).toEqual(['0.1/3', '0.1/6', '1/6']);
    const row = (b: string, d: string) => rows.find((r) => r.beta === b && r.d === d)!;
    expect(row('1', '6')['S-GVAE ours (nats/image)']).toBe('110.0 (best)');
    expect(row('0.1', '6')['S-GVAE ours (nats/image)']).toBe('120.0');
    expect(row('0.1', '6')['S-VAE ours (nats/image)']).toBe('100.0 (best)');
    expect(row('0.1', '6')['S-VAE ours ×5000']).toBe('500.0k');
    expect(row('0.1', '6')['S-GVAE paper']).toBe('30.9k');
    // The paper's best S-VAE cell is beta 1, d 10 (13.2k); its best S-GVAE cell is beta 0.1, d 10 (24.5k).
    expect(row('0.1', '3')['S-VAE paper']).toBe('38.3k');
    expect(row('1', '6')['S-GVAE ours ×5000']).toBe('550.0k');
    expect(row('1', '6')['S-VAE ours (nats/image)']).toBe('–');
  });

  it('marks the paper\'s best cell and lists grid points without a run as not run yet', () => {
    const rows = table2(sweep, [{ model: 'svae', beta: 1, latentDim: 10 }, { model: 'sgvae', beta: 0.1, latentDim: 10 }]).table.objects() as Record<string, string>[];
    const r = rows.find((x) => x.beta === '1' && x.d === '10')!;
    expect(r['S-VAE ours (nats/image)']).toBe('not run yet');
    expect(r['S-VAE paper']).toBe('13.2k (best)');
    expect(rows.find((x) => x.beta === '0.1' && x.d === '10')!['S-GVAE paper']).toBe('24.5k (best)');
  });

  it('says how much of the grid has finished', () => {
    const grid = [
      { stage: 'a', model: 'sgvae', beta: 0.1, latentDim: 6 },
      { stage: 'b', model: 'svae', beta: 500, latentDim: 10 },
    ];
    const missing = missingPoints(grid, sweep);
    expect(missing.map((m) => m.stage)).toEqual(['b']);
    const results: Pick<SweepReportResults, 'sweep' | 'grid' | 'unfinished'> = { sweep, grid: { points: 2, missing }, unfinished: ['x'] };
    expect(coverageLine(results)).toBe('1 of 2 grid points have finished; this is a partial sweep. 1 run folder(s) hold no manifest yet (interrupted or still training).');
    expect(coverageLine({ sweep, grid: null, unfinished: [] })).toBe('4 finished runs (no grid given, so missing points cannot be listed).');
  });
});

describe('sweep report CLI', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sgvae-sweep-report-'));
  afterAll(() => rm(root, { recursive: true, force: true }));
  const SIZE = 29;
  await buildDatasets(
    parseDataParams({
      seed: 1,
      size: SIZE,
      subset: { total: 200, testFraction: 0.2 },
      validationFraction: 0.1,
      supersample: 1,
      sets: { 'test-rotated': { source: 'test', count: 40, rotation: { kind: 'uniform', min: -180, max: 180 } } },
    }),
    join(root, 'datasets'),
    { sources: { train: mnistLikeDigits(300), test: mnistLikeDigits(100) } },
  );
  const runs = join(root, 'models');
  const points: [string, 'gcnn' | 'cnn', number, number][] = [
    ['sgvae', 'gcnn', 0.1, 3],
    ['svae', 'cnn', 0.1, 3],
    ['svae', 'cnn', 150, 6],
  ];
  for (const [model, kind, beta, d] of points) {
    const dir = join(runs, `${model}-beta${beta}-d${d}`);
    await writeTinyVae(dir, { size: SIZE, latentDim: d, encoderKind: kind, params: { seed: 1, beta } });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.metrics = { epoch: 1, valLoss: 90 + beta / 10 };
    manifest.data.val = { manifestSha256: '1'.repeat(64), images: 250 };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }
  // A run that has not finished: a checkpoint folder and an output folder without a manifest.
  await mkdir(join(runs, 'sgvae-beta500-d3'), { recursive: true });
  await mkdir(join(runs, 'sgvae-beta500-d3.checkpoint'), { recursive: true });
  const grid = {
    version: 1,
    modelKey: 'model',
    points: [
      ...points.map(([model, , beta, d]) => ({ stage: `train-vae@${model}-${beta}-${d}`, model, beta, latentDim: d })),
      { stage: 'train-vae@sgvae-500-3', model: 'sgvae', beta: 500, latentDim: 3 },
    ],
  };
  await writeFile(join(root, 'grid.json'), JSON.stringify(grid));
  await writeFile(join(root, 'eval.json'), JSON.stringify({ limits: { latentPoints: 30 }, batchSize: 16 }));

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, cwd: root } };
  };

  it('reports a partial sweep: Table 2 of the finished runs, the missing points, a latent sphere per d = 3 run', async () => {
    const run = io();
    const code = await runSweepCli(['--params', 'eval.json', '--data', 'datasets', '--runs', 'models', '--grid', 'grid.json', '--out', 'report'], run.io);
    expect(run.err.filter((l) => l.startsWith('error') || l.startsWith('unexpected'))).toEqual([]);
    expect(code).toBe(0);
    expect(run.out[0]).toBe('3 of 4 grid points have finished; this is a partial sweep. 1 run folder(s) hold no manifest yet (interrupted or still training).');
    const results = JSON.parse(await readFile(join(root, 'report', 'results.json'), 'utf8')) as SweepReportResults;
    expect(results.sweep?.entries.map((e) => e.run)).toEqual(['sgvae-beta0.1-d3', 'svae-beta0.1-d3', 'svae-beta150-d6']);
    expect(results.grid?.missing.map((m) => m.stage)).toEqual(['train-vae@sgvae-500-3']);
    // The validation set's size comes from the manifest's record of the `val` set.
    expect(results.sweep?.entries.map((e) => e.validationSize)).toEqual([250, 250, 250]);
    expect(results.unfinished).toEqual(['sgvae-beta500-d3']);
    expect(results.figures.map((f) => f.id)).toEqual(['sphere-sgvae-beta0.1', 'sphere-svae-beta0.1']);
    const md = await readFile(join(root, 'report', 'report.md'), 'utf8');
    expect(md).toContain('## Table 2: validation loss of the beta x latent-dimension sweep');
    expect(md).toContain('## Grid points without a finished run');
    expect(md).toMatch(/\|500\|3\|not run yet\|/);
    expect(md).toContain('on the validation set (ours: 250 images)');
    expect(md).toContain('![Latent sphere of S-GVAE, beta 0.1](figures/sphere-sgvae-beta0.1.png)');
    expect((await readFile(join(root, 'report', 'report.html'), 'utf8')).match(/data:image\/png;base64/g)).toHaveLength(2);
    // The checker CI runs accepts everything but the missing point.
    const check = await checkReport(join(root, 'report'));
    expect(check.problems).toEqual(['the sweep is partial: 1 of 4 grid points have no finished run (train-vae@sgvae-500-3)']);
    expect([check.tables, check.figures]).toEqual([3, 2]);
  });

  it('refuses a grid file that is not the check-grid stage\'s, and a sweep with nothing to report', async () => {
    await writeFile(join(root, 'bad-grid.json'), JSON.stringify({ points: [] }));
    await expect(readGridFile(join(root, 'bad-grid.json'))).rejects.toThrow(/is not a version 1 grid.*rerun the sweep's check-grid stage/);
    await mkdir(join(root, 'empty'), { recursive: true });
    const run = io();
    expect(await runSweepCli(['--params', 'eval.json', '--data', 'datasets', '--runs', 'empty', '--out', 'r2'], run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/no finished sweep run under .*empty; run the sweep \(npm run sweep\) first/);
    const usage = io();
    expect(await runSweepCli(['--params', 'eval.json', '--data', 'datasets', '--out', 'r3'], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/--runs is required/);
    const missing = io();
    expect(await runSweepCli(['--params', 'missing.yaml', '--data', 'datasets', '--runs', 'empty', '--out', 'r3'], missing.io)).toBe(2);
    expect(missing.err).toEqual([`error: ${join(root, 'missing.yaml')}: cannot be read (ENOENT: no such file); pass an existing .json or .yaml file to --params`]);
  });

  it('refuses two runs of one grid point', async () => {
    const twin = join(root, 'twin');
    await writeTinyVae(join(twin, 'a'), { size: SIZE, latentDim: 6, encoderKind: 'cnn', params: { seed: 1, beta: 1 } });
    await writeTinyVae(join(twin, 'b'), { size: SIZE, latentDim: 6, encoderKind: 'cnn', params: { seed: 2, beta: 1 } });
    for (const n of ['a', 'b']) {
      const m = JSON.parse(await readFile(join(twin, n, 'manifest.json'), 'utf8'));
      m.metrics = { valLoss: 100 };
      await writeFile(join(twin, n, 'manifest.json'), JSON.stringify(m));
    }
    const run = io();
    expect(await runSweepCli(['--params', 'eval.json', '--data', 'datasets', '--runs', 'twin', '--out', 'r4'], run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/two sweep runs are the same grid point \(svae, beta 1, d 6\)/);
  });
});
