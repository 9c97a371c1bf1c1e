// The report checker CI runs on a finished report folder: every table is
// there, every number is in its range, every figure is a valid image.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportCheckError } from '../errors.ts';
import { decodePng, readPngHeader } from '../figures/png.ts';
import { parseSvg } from '../figures/svg.ts';
import { RESULTS_SCHEMA, type EvaluationResults, INPUT_SETS } from '../results.ts';
import { requiredTableIds } from './tables.ts';
import { REPORT_FILES } from './write-report.ts';
import type { SweepReportResults } from '../sweep-stage.ts';

export interface ReportCheck {
  problems: string[];
  tables: number;
  figures: number;
}

const BAD_TEXT = /\b(NaN|Infinity|undefined)\b/;

/** Every problem found in the report folder `dir` (empty when it passes). */
export async function checkReport(dir: string): Promise<ReportCheck> {
  const problems: string[] = [];
  const read = async (name: string): Promise<string | null> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      problems.push(`${name} is missing from ${dir}; rerun the eval stage`);
      return null;
    }
  };
  const markdown = await read(REPORT_FILES.markdown);
  const html = await read(REPORT_FILES.html);
  const json = await read(REPORT_FILES.results);
  let results: EvaluationResults | null = null;
  if (json !== null) {
    try {
      results = JSON.parse(json) as EvaluationResults;
    } catch (e) {
      problems.push(`${REPORT_FILES.results} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (results && (results as unknown as { kind?: unknown }).kind === 'sweep') {
    return checkSweepReport(dir, results as unknown as SweepReportResults, markdown, html, problems);
  }
  if (results && results.schema !== RESULTS_SCHEMA) {
    problems.push(`${REPORT_FILES.results} has schema ${JSON.stringify(results.schema)}, expected ${RESULTS_SCHEMA}`);
    results = null;
  }
  let tables = 0;
  let figures = 0;
  if (results) {
    checkNumbers(results, problems);
    const ids = ['summary', ...requiredTableIds(results)];
    for (const id of ids) {
      if (markdown !== null) {
        const table = markdownTableAfter(markdown, id);
        if (table === null) problems.push(`${REPORT_FILES.markdown}: table "${id}" is missing (no <a id="${id}"></a> followed by a Markdown table)`);
        else {
          tables++;
          const bad = table.find((line) => BAD_TEXT.test(line));
          if (bad) problems.push(`${REPORT_FILES.markdown}: table "${id}" has a non-number cell: ${bad.trim()}`);
        }
      }
      if (html !== null && !new RegExp(`id="${id}"><table`).test(html)) problems.push(`${REPORT_FILES.html}: table "${id}" is missing`);
    }
    const requiredFigures = ['reconstructions', 'six-nine', 'rotation-grid', 'invariance', 'pose', ...results.models.map((m) => `latent-${m.name}`)];
    for (const id of requiredFigures) {
      if (!results.figures?.some((f) => f.id === id)) problems.push(`figure "${id}" is not listed in ${REPORT_FILES.results}`);
    }
    for (const f of results.figures ?? []) {
      const ok = await checkFigure(dir, f, problems);
      if (ok) figures++;
      if (markdown !== null && !markdown.includes(`](${f.png})`)) problems.push(`${REPORT_FILES.markdown} does not show figure "${f.id}"`);
      if (html !== null && !new RegExp(`<figure id="figure-${f.id}">\\s*<img [^>]*src="data:image/png;base64,`).test(html)) {
        problems.push(`${REPORT_FILES.html} does not inline figure "${f.id}"`);
      }
    }
  }
  return { problems, tables, figures };
}

/** Throws a ReportCheckError listing every problem. */
export async function assertReport(dir: string): Promise<ReportCheck> {
  const check = await checkReport(dir);
  if (check.problems.length > 0) throw new ReportCheckError(check.problems);
  return check;
}

function markdownTableAfter(markdown: string, id: string): string[] | null {
  const at = markdown.indexOf(`<a id="${id}"></a>`);
  if (at < 0) return null;
  const lines = markdown.slice(at).split('\n').slice(1);
  const start = lines.findIndex((l) => l.startsWith('|') || l.startsWith('#') || l.startsWith('<a id='));
  if (start < 0 || !lines[start].startsWith('|')) return null;
  const table: string[] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) table.push(lines[i]);
  // A header, the alignment row and at least one data row.
  return table.length >= 3 && /^\|(\s*:?-+:?\s*\|)+$/.test(table[1]) ? table : null;
}

async function checkFigure(dir: string, f: EvaluationResults['figures'][number], problems: string[]): Promise<boolean> {
  let ok = true;
  try {
    const bytes = await readFile(join(dir, f.png));
    const header = readPngHeader(bytes);
    if (header.width !== f.width || header.height !== f.height) {
      problems.push(`${f.png} is ${header.width}x${header.height} but ${REPORT_FILES.results} says ${f.width}x${f.height}`);
      ok = false;
    }
    decodePng(bytes);
  } catch (e) {
    problems.push(`${f.png} is not a valid PNG: ${(e as Error).message}`);
    ok = false;
  }
  try {
    const svg = await readFile(join(dir, f.svg), 'utf8');
    const size = parseSvg(svg);
    if (!(size.width > 0 && size.height > 0)) throw new Error(`zero size ${size.width}x${size.height}`);
  } catch (e) {
    problems.push(`${f.svg} is not a valid SVG: ${(e as Error).message}`);
    ok = false;
  }
  return ok;
}

type Check = (value: unknown, path: string) => void;

function checkNumbers(r: EvaluationResults, problems: string[]): void {
  const inRange = (lo: number, hi: number): Check => (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path} is ${JSON.stringify(value)}, not a finite number`);
    else if (value < lo || value > hi) problems.push(`${path} = ${value} is outside [${lo}, ${hi}]`);
  };
  const unit = inRange(0, 1);
  const cosine = inRange(-1, 1);
  const finite = inRange(-Number.MAX_VALUE, Number.MAX_VALUE);
  const nonNegative = inRange(0, Number.MAX_VALUE);
  const angle = inRange(0, 180);
  const count = (value: unknown, path: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) problems.push(`${path} is ${JSON.stringify(value)}, not a count`);
  };
  const each = (values: unknown, path: string, check: Check) => {
    if (!Array.isArray(values) || values.length === 0) problems.push(`${path} is not a non-empty list`);
    else values.forEach((v, i) => check(v, `${path}[${i}]`));
  };

  if (!Array.isArray(r.models) || r.models.length === 0) problems.push('results.models lists no model');
  const sources = ['judge', ...(r.models ?? []).map((m) => m.name)];
  for (const { id } of INPUT_SETS) {
    for (const s of sources) {
      if (!r.table1?.some((c) => c.set === id && c.source === s)) problems.push(`table1 has no cell for input "${id}" and source "${s}"`);
    }
  }
  (r.table1 ?? []).forEach((c, i) => {
    const p = `table1[${i}] (${c.source}, ${c.set})`;
    const e = c.estimate;
    unit(e?.accuracy, `${p}.accuracy`);
    count(e?.count, `${p}.count`);
    count(e?.correct, `${p}.correct`);
    unit(e?.wilson?.lower, `${p}.wilson.lower`);
    unit(e?.wilson?.upper, `${p}.wilson.upper`);
    if (e && e.wilson && !(e.wilson.lower <= e.accuracy && e.accuracy <= e.wilson.upper)) problems.push(`${p}: the Wilson interval does not contain the accuracy`);
    if (e?.bootstrap) {
      unit(e.bootstrap.lower, `${p}.bootstrap.lower`);
      unit(e.bootstrap.upper, `${p}.bootstrap.upper`);
    }
    if (c.paper !== undefined) unit(c.paper, `${p}.paper`);
  });
  if (!Array.isArray(r.invariance) || r.invariance.length === 0) problems.push('invariance has no model');
  (r.invariance ?? []).forEach((v, i) => {
    const p = `invariance[${i}] (${v.model})`;
    each(v.cosine?.mean, `${p}.cosine.mean`, cosine);
    each(v.reconstructionError?.mean, `${p}.reconstructionError.mean`, nonNegative);
    each(v.judgeAccuracy?.mean, `${p}.judgeAccuracy.mean`, unit);
    cosine(v.meanCosine, `${p}.meanCosine`);
    nonNegative(v.meanReconstructionError, `${p}.meanReconstructionError`);
    unit(v.meanJudgeAccuracy, `${p}.meanJudgeAccuracy`);
  });
  (r.sixNine?.confusion ?? []).forEach((c, i) => c.rows.forEach((row, j) => each(row.counts, `sixNine.confusion[${i}].rows[${j}].counts`, count)));
  if (!r.sixNine?.neighbours?.length) problems.push('sixNine.neighbours is empty');
  (r.sixNine?.neighbours ?? []).forEach((n, i) => {
    unit(n.accuracy, `sixNine.neighbours[${i}].accuracy`);
    unit(n.majorityBaseline, `sixNine.neighbours[${i}].majorityBaseline`);
  });
  (r.knn ?? []).forEach((c, i) => {
    unit(c.estimate?.accuracy, `knn[${i}].estimate.accuracy`);
    unit(c.estimate?.wilson?.lower, `knn[${i}].estimate.wilson.lower`);
    unit(c.estimate?.wilson?.upper, `knn[${i}].estimate.wilson.upper`);
  });
  if (!Array.isArray(r.pose) || r.pose.length === 0) problems.push('pose has no model');
  (r.pose ?? []).forEach((p, i) => {
    angle(p.meanAbsoluteError, `pose[${i}].meanAbsoluteError`);
    angle(p.medianAbsoluteError, `pose[${i}].medianAbsoluteError`);
    inRange(0, 90)(p.meanAbsoluteErrorMod180, `pose[${i}].meanAbsoluteErrorMod180`);
    unit(p.withinTolerance, `pose[${i}].withinTolerance`);
    cosine(p.meanCorrelation, `pose[${i}].meanCorrelation`);
  });
  (r.sweep?.entries ?? []).forEach((e, i) => {
    finite(e.lossPerImage, `sweep.entries[${i}].lossPerImage`);
    finite(e.lossOnPaperScale, `sweep.entries[${i}].lossOnPaperScale`);
    if (e.paper !== undefined) finite(e.paper, `sweep.entries[${i}].paper`);
  });
  for (const t of r.provenance?.timings ?? []) nonNegative(t.seconds, `provenance.timings (${t.name}).seconds`);
}

/**
 * The sweep's report: Table 2 and the provenance are there, every loss is a
 * finite number, every d = 3 run has its latent sphere, and no grid point is
 * missing (a partial sweep fails the check, and says which points it lacks).
 */
async function checkSweepReport(
  dir: string,
  results: SweepReportResults,
  markdown: string | null,
  html: string | null,
  problems: string[],
): Promise<ReportCheck> {
  let tables = 0;
  let figures = 0;
  const ids = [...(results.sweep ? ['table-2'] : []), ...(results.grid && results.grid.missing.length > 0 ? ['sweep-missing'] : []), 'sweep-provenance'];
  for (const id of ids) {
    const table = markdown === null ? null : markdownTableAfter(markdown, id);
    if (markdown !== null && table === null) problems.push(`${REPORT_FILES.markdown}: table "${id}" is missing`);
    else if (table !== null) {
      tables++;
      const bad = table.find((line) => BAD_TEXT.test(line));
      if (bad) problems.push(`${REPORT_FILES.markdown}: table "${id}" has a non-number cell: ${bad.trim()}`);
    }
    if (html !== null && !new RegExp(`id="${id}"><table`).test(html)) problems.push(`${REPORT_FILES.html}: table "${id}" is missing`);
  }
  if (!results.sweep) problems.push('the sweep report holds no finished run');
  (results.sweep?.entries ?? []).forEach((e, i) => {
    if (!(typeof e.lossPerImage === 'number' && Number.isFinite(e.lossPerImage) && e.lossPerImage > 0)) {
      problems.push(`sweep.entries[${i}].lossPerImage is ${JSON.stringify(e.lossPerImage)}, not a positive number`);
    }
    if (e.latentDim === 3 && !results.figures.some((f) => f.id === `sphere-${e.model}-beta${e.beta}`)) {
      problems.push(`figure "sphere-${e.model}-beta${e.beta}" (the latent sphere of run ${e.run ?? '?'}) is not listed in ${REPORT_FILES.results}`);
    }
  });
  if (results.grid && results.grid.missing.length > 0) {
    problems.push(`the sweep is partial: ${results.grid.missing.length} of ${results.grid.points} grid points have no finished run (${results.grid.missing.map((m) => m.stage).join(', ')})`);
  }
  for (const f of results.figures) {
    if (await checkFigure(dir, f, problems)) figures++;
    if (markdown !== null && !markdown.includes(`](${f.png})`)) problems.push(`${REPORT_FILES.markdown} does not show figure "${f.id}"`);
    if (html !== null && !new RegExp(`<figure id="figure-${f.id}">\\s*<img [^>]*src="data:image/png;base64,`).test(html)) {
      problems.push(`${REPORT_FILES.html} does not inline figure "${f.id}"`);
    }
  }
  return { problems, tables, figures };
}
