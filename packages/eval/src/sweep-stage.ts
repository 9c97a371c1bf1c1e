// The sweep's report: Table 2 (validation loss per beta x latent dimension,
// beside the paper's) and the latent spheres of the d = 3 runs, coloured by
// digit. It reads whatever runs have finished: with the grid the sweep was
// asked for (the check-grid stage's grid.json), it lists the points still
// missing, so that a partial sweep reports what it has.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { latentSpec, vegaLiteToSvg } from './figures/charts.ts';
import { figure, type RenderedFigure } from './figures/render.ts';
import { ArtifactError, EvalInputError } from './errors.ts';
import type { EvalParams } from './params.ts';
import { escapeHtml, figureHtml, figureMarkdown, htmlHead, htmlTable, markdownTable } from './report/document.ts';
import { table2, type ReportTable } from './report/tables.ts';
import { REPORT_FILES, replaceFolderAtomically, stringifyResults, writeFigures } from './report/write-report.ts';
import type { FigureInfo, SweepResult } from './results.ts';
import { readSet } from './run/datasets.ts';
import { loadVae, MODEL_KIND_LABELS, trainedWithOf } from './run/load-models.ts';
import { subsetIndices, takeItems } from './run/subset.ts';
import { readSweepRuns } from './run/sweep.ts';
import * as aq from 'arquero';
import { formatCodeVersion, hardwareInfo, type CodeVersion, type LoadedTrainManifest } from '@sgvae/contracts';
import { phaseTimer } from './run/timed.ts';

/** One point of the grid the sweep was asked for. */
export interface SweepGridPoint {
  stage: string;
  model: string;
  beta: number;
  latentDim: number;
}

export interface SweepReportResults {
  kind: 'sweep';
  sweep: SweepResult | null;
  /** The grid asked for, when given: how many points, and those without a finished run. */
  grid: { points: number; missing: SweepGridPoint[] } | null;
  /** Run folders that exist but hold no manifest (interrupted or still training). */
  unfinished: string[];
  figures: FigureInfo[];
  provenance: {
    codeVersion: CodeVersion | null;
    backend: string;
    numerics?: string;
    hardware: ReturnType<typeof hardwareInfo>;
    runs: { run: string; model: string; beta: number; latentDim: number; epochs?: number; trainedWith: string | null }[];
    timings: { name: string; seconds: number }[];
  };
}

export interface SweepStageOptions {
  params: EvalParams;
  dataDir: string;
  runDirs: readonly string[];
  /** grid.json of the check-grid stage; null reports the runs alone. */
  gridFile: string | null;
  outDir: string;
  backend: string;
  codeVersion: CodeVersion | null;
  numerics?: string;
  log?: (line: string) => void;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads the grid the check-grid stage wrote (train package, `check-grid`). */
export async function readGridFile(file: string): Promise<SweepGridPoint[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new EvalInputError(`--grid ${file} cannot be read as JSON (${(cause as Error).message}); pass the grid.json the sweep's check-grid stage writes`, { cause });
  }
  const r = raw as { version?: unknown; points?: unknown };
  if (typeof raw !== 'object' || raw === null || r.version !== 1 || !Array.isArray(r.points)) {
    throw new EvalInputError(`--grid ${file} is not a version 1 grid ({version: 1, points: [...]}); rerun the sweep's check-grid stage`);
  }
  return r.points.map((p: unknown, i: number) => {
    const q = p as Record<string, unknown>;
    if (typeof q.stage !== 'string' || typeof q.model !== 'string' || !num(q.beta) || !num(q.latentDim)) {
      throw new EvalInputError(`--grid ${file}: points[${i}] lacks stage, model, beta or latentDim; rerun the sweep's check-grid stage`);
    }
    return { stage: q.stage, model: q.model, beta: q.beta, latentDim: q.latentDim };
  });
}

/** Grid points without a finished run. */
export function missingPoints(grid: readonly SweepGridPoint[], sweep: SweepResult | null): SweepGridPoint[] {
  return grid.filter((g) => !(sweep?.entries ?? []).some((e) => e.model === g.model && e.beta === g.beta && e.latentDim === g.latentDim));
}

const modelLabel = (model: string) => MODEL_KIND_LABELS[model as 'sgvae'] ?? model;

/** Summary line: how much of the grid the report covers. */
export function coverageLine(results: Pick<SweepReportResults, 'sweep' | 'grid' | 'unfinished'>): string {
  const have = results.sweep?.entries.length ?? 0;
  const parts: string[] = [];
  if (results.grid) {
    parts.push(
      results.grid.missing.length === 0
        ? `All ${results.grid.points} grid points have finished.`
        : `${results.grid.points - results.grid.missing.length} of ${results.grid.points} grid points have finished; this is a partial sweep.`,
    );
  } else parts.push(`${have} finished run${have === 1 ? '' : 's'} (no grid given, so missing points cannot be listed).`);
  if (results.unfinished.length > 0) parts.push(`${results.unfinished.length} run folder(s) hold no manifest yet (interrupted or still training).`);
  return parts.join(' ');
}

function missingTable(missing: readonly SweepGridPoint[]): ReportTable {
  return {
    id: 'sweep-missing',
    title: 'Grid points without a finished run',
    caption: 'Run the sweep again (npm run sweep) to train them; finished points come from the cache.',
    table: aq.from(missing.map((m) => ({ stage: m.stage, model: modelLabel(m.model), beta: String(m.beta), d: String(m.latentDim) }))),
  };
}

function provenanceTable(results: SweepReportResults): ReportTable {
  const p = results.provenance;
  return {
    id: 'sweep-provenance',
    title: 'Provenance',
    caption: 'The code and machine of this report, and of each run (its manifest).',
    table: aq.from([
      { item: 'code version', value: formatCodeVersion(p.codeVersion) },
      { item: 'evaluated on', value: `${p.backend}${p.numerics ? `; ${p.numerics}` : ''}` },
      ...p.runs.map((r) => ({ item: `run ${r.run}`, value: `${modelLabel(r.model)}, beta ${r.beta}, d ${r.latentDim}${r.epochs === undefined ? '' : `, ${r.epochs} epoch(s)`}; trained: ${r.trainedWith ?? 'unknown'}` })),
    ]),
  };
}

const TITLE = 'Table 2 sweep: validation loss over beta and the latent dimension';

function intro(results: SweepReportResults): string {
  return (
    'The S-GVAE (G-CNN encoder) and the S-VAE (plain CNN encoder) trained at every beta and latent dimension d of the paper\'s Table 2. ' +
    coverageLine(results)
  );
}

export function renderSweepMarkdown(results: SweepReportResults, tables: readonly ReportTable[], figures: readonly RenderedFigure[]): string {
  const out = [`# ${TITLE}`, '', intro(results), ''];
  for (const t of tables) out.push(`## ${t.title}`, '', `<a id="${t.id}"></a>`, '', t.caption, '', markdownTable(t.table), '');
  if (figures.length > 0) out.push('## Latent spheres (d = 3)', '');
  figures.forEach((f, i) => out.push(...figureMarkdown(f, i + 1)));
  return out.join('\n');
}

export function renderSweepHtml(results: SweepReportResults, tables: readonly ReportTable[], figures: readonly RenderedFigure[]): string {
  const out = htmlHead(TITLE, intro(results));
  for (const t of tables) {
    out.push(`<h2>${escapeHtml(t.title)}</h2>`, `<p class="caption">${escapeHtml(t.caption)}</p>`, `<div class="table-wrap" id="${t.id}">${htmlTable(t.table)}</div>`);
  }
  if (figures.length > 0) out.push('<h2>Latent spheres (d = 3)</h2>');
  figures.forEach((f, i) => out.push(...figureHtml(f, i + 1)));
  out.push('</body></html>', '');
  return out.join('\n');
}

/** The tables of a sweep report, in order. */
export function sweepTables(results: SweepReportResults): ReportTable[] {
  const tables: ReportTable[] = [];
  if (results.sweep) tables.push(table2(results.sweep, results.grid?.missing ?? []));
  if (results.grid && results.grid.missing.length > 0) tables.push(missingTable(results.grid.missing));
  tables.push(provenanceTable(results));
  return tables;
}

export async function runSweepStage(o: SweepStageOptions): Promise<{ results: SweepReportResults; dir: string; markdown: string }> {
  const log = o.log ?? (() => {});
  const timings: { name: string; seconds: number }[] = [];
  const timed = phaseTimer(log, timings);
  const grid = o.gridFile === null ? null : await readGridFile(o.gridFile);
  const { sweep, runs, unfinished } = await timed('read runs', () => readSweepRuns(o.runDirs, o.params.sweep.paperValidationSize));
  if (sweep === null && grid === null) {
    throw new ArtifactError(`no finished sweep run under ${o.runDirs.join(', ')}; run the sweep (npm run sweep) first`);
  }
  const missing = grid === null ? [] : missingPoints(grid, sweep);

  // Latent spheres: mu of upright and rotated test digits for every d = 3 run.
  const figures: RenderedFigure[] = [];
  const spheres = (sweep?.entries ?? []).filter((e) => e.latentDim === 3);
  if (spheres.length > 0) {
    const { upright, rotated } = await timed('read test digits', () => {
      const up = readSet(o.dataDir, o.params.datasets.upright);
      const rot = readSet(o.dataDir, o.params.datasets.rotated);
      const n = o.params.limits.latentPoints;
      return {
        upright: takeItems(up, subsetIndices(up.count, n, o.params.seed + 3)),
        rotated: takeItems(rot, subsetIndices(rot.count, n, o.params.seed + 4)),
      };
    });
    for (const e of spheres) {
      const dir = runs.get(e.run ?? '')?.dir;
      if (dir === undefined) continue;
      const label = `${modelLabel(e.model)}, beta ${e.beta}`;
      await timed(`latent sphere of ${e.run}`, async () => {
        const vae = await loadVae(dir, { name: e.model, batchSize: o.params.batchSize });
        try {
          const onUp = await vae.encode(upright.images, upright.count);
          const onRot = await vae.encode(rotated.images, rotated.count);
          const { spec, projection } = latentSpec({
            label,
            latentDim: 3,
            upright: { mu: onUp.mu, labels: upright.labels },
            rotated: { mu: onRot.mu, labels: rotated.labels },
          });
          figures.push(
            figure(
              `sphere-${e.model}-beta${e.beta}`,
              `Latent sphere of ${label}`,
              `Posterior mean directions mu of ${upright.count} upright (left) and ${rotated.count} rotated (right) test digits on the sphere S^2, ` +
                `coloured by digit: ${projection}. A rotation-invariant encoder puts a rotated digit in its upright class's cluster.`,
              await vegaLiteToSvg(spec),
              2,
            ),
          );
        } finally {
          vae.dispose?.();
        }
      });
    }
  }

  const results: SweepReportResults = {
    kind: 'sweep',
    sweep,
    grid: grid === null ? null : { points: grid.length, missing },
    unfinished: unfinished.map((u) => basename(u)),
    figures: figures.map((f) => f.info),
    provenance: {
      codeVersion: o.codeVersion,
      backend: o.backend,
      ...(o.numerics === undefined ? {} : { numerics: o.numerics }),
      hardware: hardwareInfo(),
      runs: (sweep?.entries ?? []).map((e) => ({
        run: e.run ?? '',
        model: e.model,
        beta: e.beta,
        latentDim: e.latentDim,
        ...(e.epochs === undefined ? {} : { epochs: e.epochs }),
        trainedWith: trainedWithLine(runs.get(e.run ?? '')?.manifest),
      })),
      timings,
    },
  };
  const tables = sweepTables(results);
  const markdown = renderSweepMarkdown(results, tables, figures);
  const dir = await replaceFolderAtomically(o.outDir, async (tmp) => {
    await writeFigures(tmp, figures);
    await writeFile(join(tmp, REPORT_FILES.results), stringifyResults(results));
    await writeFile(join(tmp, REPORT_FILES.markdown), markdown);
    await writeFile(join(tmp, REPORT_FILES.html), renderSweepHtml(results, tables, figures));
  });
  return { results, dir, markdown: join(dir, REPORT_FILES.markdown) };
}

function trainedWithLine(manifest: LoadedTrainManifest | undefined): string | null {
  if (manifest === undefined) return null;
  const t = trainedWithOf(manifest);
  return [t.codeVersion ?? 'code unknown', t.machine ?? 'machine unknown'].join('; ');
}
