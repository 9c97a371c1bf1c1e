import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalInputError } from './errors.ts';
import { runEvaluation } from './evaluate.ts';
import { renderFigures } from './figures/render.ts';
import { assertReport } from './report/check-report.ts';
import { formatSummaryForTerminal, summaryMetrics } from './report/summary.ts';
import { writeReport } from './report/write-report.ts';
import type { VaeRunner } from './run/types.ts';
import { checkDistinctSeeds } from './seed-summary.ts';
import { constantVae, oracleJudge, perfectVae, syntheticData, syntheticParams } from './testing/synthetic.ts';

const root = await mkdtemp(join(tmpdir(), 'sgvae-seeds-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A run of `kind` named `name`, trained with `seed`, behaving like `base`. */
const run = (base: VaeRunner, name: string, kind: VaeRunner['kind'], seed: number): VaeRunner => ({ ...base, name, kind, seed, label: `${kind} (${name})` });

// Three S-VAE "seeds" with different behaviour (perfect, constant, perfect),
// so the spread is known in closed form from the per-run cells.
const { results, samples } = await runEvaluation({
  ...syntheticData(),
  vaes: [
    run(perfectVae(), 'svae', 'svae', 1),
    run(constantVae(), 'svae-seed2', 'svae', 2),
    run(perfectVae(), 'svae-seed3', 'svae', 3),
    run(perfectVae(), 'sgvae', 'sgvae', 1),
  ],
  judge: oracleJudge(),
  params: syntheticParams(),
});

describe('spread between seeds', () => {
  it('groups the runs of a kind and gives mean, sd and the t interval of each headline number', () => {
    expect(results.seedSpread).toHaveLength(1);
    const g = results.seedSpread![0];
    expect(g.kind).toBe('svae');
    expect(g.runs).toEqual([
      { model: 'svae', seed: 1 },
      { model: 'svae-seed2', seed: 2 },
      { model: 'svae-seed3', seed: 3 },
    ]);
    const acc = (model: string, set: string) => results.table1.find((c) => c.source === model && c.set === set)!.estimate.accuracy;
    const values = ['svae', 'svae-seed2', 'svae-seed3'].map((m) => acc(m, 'rotated'));
    expect(values[0]).toBe(1);
    expect(values[1]).toBeLessThan(0.5);
    const rotated = g.metrics.find((m) => m.id === 'rotated')!;
    const mean = (values[0] + values[1] + values[2]) / 3;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
    expect(rotated.spread.mean).toBeCloseTo(mean, 12);
    expect(rotated.spread.sd).toBeCloseTo(sd, 12);
    // t(0.975, 2) = 4.302653 (reference table value)
    expect(rotated.spread.interval!.upper - mean).toBeCloseTo((4.302653 * sd) / Math.sqrt(3), 5);
    expect(rotated.wilson).toHaveLength(3);
    const balanced = g.metrics.find((m) => m.id === 'balanced-6-9')!;
    expect(balanced.spread.values[1]).toBeCloseTo((acc('svae-seed2', 'rotated-6') + acc('svae-seed2', 'rotated-9')) / 2, 12);
    expect(g.metrics.map((m) => m.id)).toEqual(['upright', 'rotated', 'rotated-6', 'rotated-9', 'balanced-6-9', 'mean-cosine', 'min-cosine', 'pose-mae']);
  });

  it('puts Table 1 over seeds in the report, the summary and the metrics, and the report passes the checker', async () => {
    const dir = join(root, 'report');
    await writeReport(dir, results, await renderFigures(results, samples, { pixelScale: 1 }));
    const check = await assertReport(dir);
    expect(check.problems).toEqual([]);
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/<a id="table-1-seeds"><\/a>/);
    expect(md).toMatch(/S-VAE|svae/);
    expect(md).toMatch(/\d+\.\d% ± \d+\.\d/);
    const terminal = formatSummaryForTerminal(results, 'report.md');
    expect(terminal).toMatch(/svae, 3 seeds \(mean ± sd\)/);
    expect(terminal).toMatch(/balanced 6\/9/);
    expect(summaryMetrics(results)['seeds_sd/svae/rotated']).toBeGreaterThan(0);
  });

  it('has no spread when every kind has one run', async () => {
    const single = await runEvaluation({ ...syntheticData(), vaes: [perfectVae('sgvae'), constantVae('svae')], judge: oracleJudge(), params: syntheticParams() });
    expect(single.results.seedSpread).toBeNull();
  });

  it('refuses two runs of one kind with the same seed before evaluating anything', async () => {
    const twins = [run(perfectVae(), 'svae', 'svae', 4), run(constantVae(), 'svae-again', 'svae', 4)];
    expect(() => checkDistinctSeeds(twins)).toThrow(EvalInputError);
    await expect(runEvaluation({ ...syntheticData(), vaes: twins, judge: oracleJudge(), params: syntheticParams() })).rejects.toThrow(
      /models svae and svae-again are both svae runs trained with seed 4; .*--seed/,
    );
  });
});
