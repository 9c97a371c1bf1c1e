import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportCheckError } from '../errors.ts';
import { runEvaluation } from '../evaluate.ts';
import { decodePng, readPngHeader } from '../figures/png.ts';
import { renderFigures } from '../figures/render.ts';
import { parseSvg } from '../figures/svg.ts';
import type { EvaluationResults } from '../results.ts';
import { constantVae, oracleJudge, perfectVae, syntheticData, syntheticParams } from '../testing/synthetic.ts';
import { assertReport, checkReport } from './check-report.ts';
import { formatSummaryForTerminal } from './summary.ts';
import { writeReport } from './write-report.ts';

const root = await mkdtemp(join(tmpdir(), 'sgvae-eval-report-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const { results, samples, timings } = await runEvaluation({
  ...syntheticData(),
  vaes: [perfectVae('sgvae'), constantVae('svae')],
  judge: oracleJudge(),
  params: syntheticParams(),
});
const withProvenance: EvaluationResults = {
  ...results,
  sweep: {
    paperValidationSize: 5000,
    source: 'synthetic',
    entries: [{ model: 'sgvae', beta: 0.1, latentDim: 6, lossPerImage: 80, validationSize: 100, lossOnPaperScale: 400_000, paper: 30_900 }],
  },
  provenance: {
    codeVersion: { commit: 'abc123', dirty: false },
    params: syntheticParams(),
    seeds: { eval: 0, sgvae: 1, svae: null },
    backend: 'tensorflow',
    hardware: { cpuModel: 'test cpu', cores: 2, memoryGiB: 24, platform: 'linux', arch: 'x64', node: '20' },
    timings,
    pipeline: [{ name: 'train-sgvae', seconds: 12, cacheHit: true }],
    inputs: { data: '/tmp/data' },
  },
};
const figures = await renderFigures(withProvenance, samples, { pixelScale: 2 });
const good = join(root, 'report');
await writeReport(good, withProvenance, figures);

async function brokenCopy(name: string, breakIt: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, name);
  await cp(good, dir, { recursive: true });
  await breakIt(dir);
  return dir;
}

describe('report writer', () => {
  it('writes Markdown, self-contained HTML, results and figures that pass the checker', async () => {
    const check = await assertReport(good);
    expect(check.problems).toEqual([]);
    expect(check.tables).toBe(10); // summary, 8 required tables and Table 2
    expect(check.figures).toBe(figures.length);
    const md = await readFile(join(good, 'report.md'), 'utf8');
    expect(md).toMatch(/Table 1: judge accuracy/);
    expect(md).toMatch(/\| *MNIST \(upright\)/);
    expect(md).toContain('79%'); // the paper's number beside ours
    const html = await readFile(join(good, 'report.html'), 'utf8');
    expect(html).not.toMatch(/src="(?!data:)/); // nothing loaded from outside
    expect(html.match(/<img /g)).toHaveLength(figures.length);
  });

  it('renders every figure as a valid PNG and SVG', async () => {
    const ids = figures.map((f) => f.info.id);
    expect(ids).toEqual(['reconstructions', 'six-nine', 'rotation-grid', 'invariance', 'pose', 'latent-sgvae', 'latent-svae']);
    for (const f of figures) {
      const png = await readFile(join(good, f.info.png));
      expect(readPngHeader(png)).toMatchObject({ width: f.info.width, height: f.info.height });
      expect(decodePng(png).width).toBe(f.info.width);
      expect(parseSvg(await readFile(join(good, f.info.svg), 'utf8')).width).toBeGreaterThan(0);
    }
  });

  it('replaces an existing report whole and leaves no temporary folders', async () => {
    await writeReport(good, withProvenance, figures.slice(0, 5));
    const again = await checkReport(good);
    expect(again.problems.some((p) => p.includes('latent-sgvae'))).toBe(true);
    await writeReport(good, withProvenance, figures);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(root)).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  });

  it('prints a summary table with the report path', () => {
    const text = formatSummaryForTerminal(withProvenance, join(good, 'report.md'));
    expect(text).toMatch(/Perfect +100\.0% +100\.0%/);
    expect(text).toMatch(/report: .*report\.md$/);
  });
});

describe('report checker', () => {
  it('rejects a report with a missing table', async () => {
    const dir = await brokenCopy('missing-table', async (d) => {
      const md = await readFile(join(d, 'report.md'), 'utf8');
      await writeFile(join(d, 'report.md'), md.replace('<a id="pose"></a>', ''));
    });
    const check = await checkReport(dir);
    expect(check.problems).toEqual([expect.stringMatching(/report\.md: table "pose" is missing/)]);
  });

  it('rejects NaN and out-of-range numbers', async () => {
    const dir = await brokenCopy('nan', async (d) => {
      const r = JSON.parse(await readFile(join(d, 'results.json'), 'utf8')) as EvaluationResults;
      (r.invariance[0] as { meanCosine: number | string }).meanCosine = 'NaN';
      r.table1[0].estimate.accuracy = 1.2;
      await writeFile(join(d, 'results.json'), JSON.stringify(r));
      const md = await readFile(join(d, 'report.md'), 'utf8');
      await writeFile(join(d, 'report.md'), md.replace(/(\| *Perfect *\|[^|]*\|)[^|]*\|/, '$1NaN|'));
    });
    const problems = (await checkReport(dir)).problems.join('\n');
    expect(problems).toMatch(/meanCosine is "NaN", not a finite number/);
    expect(problems).toMatch(/accuracy = 1\.2 is outside \[0, 1\]/);
    expect(problems).toMatch(/non-number cell/);
  });

  it('rejects a corrupt PNG and an SVG that does not parse', async () => {
    const dir = await brokenCopy('corrupt', async (d) => {
      const png = await readFile(join(d, 'figures/pose.png'));
      png[1] = 0; // signature
      await writeFile(join(d, 'figures/pose.png'), png);
      const inv = await readFile(join(d, 'figures/invariance.png'));
      await writeFile(join(d, 'figures/invariance.png'), inv.subarray(0, inv.length >> 1)); // truncated data
      await writeFile(join(d, 'figures/six-nine.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>');
    });
    const problems = (await checkReport(dir)).problems.join('\n');
    expect(problems).toMatch(/pose\.png is not a valid PNG: not a PNG: the 8-byte signature/);
    expect(problems).toMatch(/invariance\.png is not a valid PNG/);
    expect(problems).toMatch(/six-nine\.svg is not a valid SVG/);
    await expect(assertReport(dir)).rejects.toThrow(ReportCheckError);
  });

  it('rejects a folder without a report', async () => {
    const check = await checkReport(join(root, 'nowhere'));
    expect(check.problems).toHaveLength(3);
    expect(check.problems[0]).toMatch(/report\.md is missing/);
  });
});
