import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { EvaluationResults } from '../results.ts';
import { degrees, fixed, pct } from './format.ts';

/** One row per model plus the judge: the headline numbers. */
export function summaryTable(results: EvaluationResults): ColumnTable {
  const acc = (source: string, set: string) => results.table1.find((c) => c.source === source && c.set === set)?.estimate.accuracy;
  const rows = [...results.models.map((m) => ({ name: m.name, label: m.label })), { name: 'judge', label: 'judge alone' }].map(({ name, label }) => {
    const inv = results.invariance.find((r) => r.model === name);
    const pose = results.pose.find((r) => r.model === name);
    const fmt = (v: number | undefined) => (v === undefined ? '–' : pct(v));
    return {
      model: label,
      upright: fmt(acc(name, 'upright')),
      rotated: fmt(acc(name, 'rotated')),
      'rotated 6s': fmt(acc(name, 'rotated-6')),
      'rotated 9s': fmt(acc(name, 'rotated-9')),
      'mean cosine': inv ? fixed(inv.meanCosine) : '–',
      'pose MAE': pose ? degrees(pose.meanAbsoluteError) : '–',
    };
  });
  return aq.from(rows);
}

/** Plain-text table for the terminal (fixed-width columns). */
export function formatSummaryForTerminal(results: EvaluationResults, reportPath: string): string {
  const t = summaryTable(results);
  const names = t.columnNames();
  const rows = t.objects() as Record<string, string>[];
  const widths = names.map((n) => Math.max(n.length, ...rows.map((r) => String(r[n]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    'judge accuracy on reconstructions, embedding invariance and pose error',
    line(names),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(names.map((n) => String(r[n])))),
    '',
    `report: ${reportPath}`,
  ].join('\n');
}

/** Flat headline numbers for a pipeline's metrics file (summary.json). */
export function summaryMetrics(results: EvaluationResults): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of results.table1) out[`accuracy/${c.source}/${c.set}`] = c.estimate.accuracy;
  for (const r of results.invariance) out[`mean_cosine/${r.model}`] = r.meanCosine;
  for (const p of results.pose) out[`pose_mae_deg/${p.model}`] = p.meanAbsoluteError;
  return out;
}
