// Writes the whole report folder atomically: everything goes into a fresh
// sibling folder that is renamed over the destination at the end, so a
// crashed run never leaves a half-written report that looks complete (the
// pipeline caches whatever the output folder holds).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { removeStaleSiblings, writeFolderAtomicallyAsync } from '@sgvae/contracts';
import type { RenderedFigure } from '../figures/render.ts';
import type { EvaluationResults } from '../results.ts';
import { renderHtml, renderMarkdown } from './document.ts';
import { summaryMetrics } from './summary.ts';
import { buildTables } from './tables.ts';

export const REPORT_FILES = {
  markdown: 'report.md',
  html: 'report.html',
  results: 'results.json',
  summary: 'summary.json',
  figures: 'figures',
} as const;

/** JSON that keeps non-finite numbers visible ("NaN") instead of turning them into null. */
export function stringifyResults(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}

export interface WrittenReport {
  dir: string;
  markdown: string;
  html: string;
}

/**
 * Fills a fresh sibling folder of `outDir` and renames it over `outDir`, so
 * that the destination holds either the old folder or the whole new one.
 */
export async function replaceFolderAtomically(outDir: string, fill: (tmpDir: string) => Promise<void>): Promise<string> {
  const dest = resolve(outDir);
  removeStaleSiblings(dest);
  await writeFolderAtomicallyAsync(dest, fill);
  return dest;
}

/** Writes the figures (PNG and SVG) into `dir`/figures. */
export async function writeFigures(dir: string, figures: readonly RenderedFigure[]): Promise<void> {
  await mkdir(join(dir, REPORT_FILES.figures), { recursive: true });
  for (const f of figures) {
    await writeFile(join(dir, f.info.png), f.png);
    await writeFile(join(dir, f.info.svg), f.svg);
  }
}

export async function writeReport(outDir: string, results: EvaluationResults, figures: readonly RenderedFigure[]): Promise<WrittenReport> {
  const withFigures: EvaluationResults = { ...results, figures: figures.map((f) => f.info) };
  const tables = buildTables(withFigures);
  const dest = await replaceFolderAtomically(outDir, async (tmp) => {
    await writeFigures(tmp, figures);
    await writeFile(join(tmp, REPORT_FILES.results), stringifyResults(withFigures));
    await writeFile(join(tmp, REPORT_FILES.summary), stringifyResults(summaryMetrics(withFigures)));
    await writeFile(join(tmp, REPORT_FILES.markdown), renderMarkdown(withFigures, figures, tables));
    await writeFile(join(tmp, REPORT_FILES.html), renderHtml(withFigures, figures, tables));
  });
  return { dir: dest, markdown: join(dest, REPORT_FILES.markdown), html: join(dest, REPORT_FILES.html) };
}
