import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyDatasets } from '../testing/tiny-datasets.ts';
import { judgeConfigFor, resolveJudgeParams, runJudgeStage } from './judge-stage.ts';
import type { StageManifest } from './stage-output.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'judge-stage-'));
  await buildTinyDatasets(join(root, 'data'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('judge stage', () => {
  it('trains the classifier, reports test accuracy of the best epoch and writes its output', async () => {
    const out = join(root, 'judge');
    const result = await runJudgeStage({
      params: { profile: 'smoke', epochs: 3, learningRate: 1e-2, lrDecay: 1 },
      dataDir: join(root, 'data'),
      outDir: out,
    });
    const rows = result.loop.rows;
    expect(rows[2].loss).toBeLessThan(rows[0].loss);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as StageManifest;
    expect(manifest.kind).toBe('judge');
    expect(manifest.models).toEqual({ judge: 'judge/model.json' });
    expect(manifest.test?.images).toBe(60);
    expect(manifest.test?.accuracy).toBeGreaterThan(0.1);
    expect(result.summary).toMatch(/^judge light: best epoch .* test accuracy \d+\.\d\d% on 60 images/);
    const csv = await readFile(join(out, 'metrics.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('epoch,lr,loss,accuracy,gradNorm,valLoss,valAccuracy,imagesPerSec,trainSeconds,validationSeconds');
  });

  it('maps params onto the judge presets and refuses a seed inside model', () => {
    expect(judgeConfigFor(resolveJudgeParams({})).stages).toHaveLength(3);
    expect(judgeConfigFor(resolveJudgeParams({ profile: 'paper' })).block).toBe('bottleneck');
    expect(() => judgeConfigFor(resolveJudgeParams({ model: { seed: 4 } }))).toThrow(/model.seed/);
    expect(() => judgeConfigFor(resolveJudgeParams({ model: { block: 'dense' } }))).toThrow(/model.block/);
  });
});
