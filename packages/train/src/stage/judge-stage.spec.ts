import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrainManifest } from '@sgvae/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel } from '../checkpoint/layers-io.ts';
import { buildTinyDatasets } from '../testing/tiny-datasets.ts';
import { judgeConfigFor, resolveJudgeParams, runJudgeStage } from './judge-stage.ts';

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
    const manifest = readTrainManifest(out);
    if (manifest.kind !== 'judge') throw new Error(`expected a judge manifest, got ${manifest.kind}`);
    expect(manifest.models).toEqual({ judge: 'judge/model.json' });
    expect(manifest.test.images).toBe(60);
    expect(manifest.test.accuracy).toBeGreaterThan(0.1);
    expect(result.summary).toMatch(/^judge light: best epoch .* test accuracy \d+\.\d\d% on 60 images/);
    const csv = await readFile(join(out, 'metrics.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('epoch,lr,loss,accuracy,gradNorm,valLoss,valAccuracy,imagesPerSec,trainSeconds,validationSeconds');
  });

  it('two same-seed runs give identical weights; other code is not resumed', async () => {
    const run = (out: string, extra: Record<string, unknown> = {}, codeFingerprint = 'a'.repeat(64)) =>
      runJudgeStage({ params: { profile: 'smoke', epochs: 1, ...extra }, dataDir: join(root, 'data'), outDir: out, codeFingerprint, restartIfChanged: true });
    const weights = async (out: string) => {
      const m = await loadLayersModel(join(out, 'judge'));
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    await run(join(root, 'a'));
    await run(join(root, 'b'));
    const wa = await weights(join(root, 'a'));
    expect(await weights(join(root, 'b'))).toEqual(wa);
    await run(join(root, 'c'), { seed: 999 });
    expect(await weights(join(root, 'c'))).not.toEqual(wa);
    // The finished checkpoint of `a` is resumed for the same code and discarded for other code.
    expect((await run(join(root, 'a'))).loop.resumedFrom).toBeDefined();
    expect((await run(join(root, 'a'), {}, 'b'.repeat(64))).loop.resumedFrom).toBeUndefined();
  });

  it('maps params onto the judge presets and refuses a seed inside model', () => {
    expect(judgeConfigFor(resolveJudgeParams({})).stages).toHaveLength(3);
    expect(judgeConfigFor(resolveJudgeParams({ profile: 'paper' })).block).toBe('bottleneck');
    expect(() => judgeConfigFor(resolveJudgeParams({ model: { seed: 4 } }))).toThrow(/model.seed/);
    expect(() => judgeConfigFor(resolveJudgeParams({ model: { block: 'dense' } }))).toThrow(/model.block/);
  });
});
