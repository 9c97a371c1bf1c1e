import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { EvaluationResults } from '../results.ts';
import type { SeedMetricId } from '../seed-summary.ts';
import { degrees, fixed, pct } from './format.ts';

/**
 * The headline numbers: one row per model plus the judge and, for each model
 * kind trained with several seeds, a first row with mean ± sd over the seeds.
 */
export function summaryTable(results: EvaluationResults): ColumnTable {
  const acc = (source: string, set: string) => results.table1.find((c) => c.source === source && c.set === set)?.estimate.accuracy;
  const fmt = (v: number | undefined) => (v === undefined ? '–' : pct(v));
  // kNN on mu (rotated test digits against upright training digits), when the evaluation had a reference set.
  const hasKnn = (results.knn ?? []).length > 0;
  const knnOf = (name: string) => {
    const c = (results.knn ?? []).find((x) => x.model === name && x.set === 'rotated');
    return c ? pct(c.estimate.accuracy) : '–';
  };
  const spreadRows = (results.seedSpread ?? []).map((g) => {
    const cell = (id: SeedMetricId) => {
      const m = g.metrics.find((x) => x.id === id);
      if (m === undefined) return '–';
      const { mean, sd } = m.spread;
      if (id === 'mean-cosine') return `${fixed(mean)} ± ${fixed(sd)}`;
      if (id === 'pose-mae') return `${degrees(mean)} ± ${sd.toFixed(1)}`;
      return `${pct(mean)} ± ${(100 * sd).toFixed(1)}`;
    };
    return {
      model: `${g.label}, ${g.runs.length} seeds (mean ± sd)`,
      upright: cell('upright'),
      rotated: cell('rotated'),
      'rotated 6s': cell('rotated-6'),
      'rotated 9s': cell('rotated-9'),
      'balanced 6/9': cell('balanced-6-9'),
      'mean cosine': cell('mean-cosine'),
      ...(hasKnn ? { 'kNN rotated': cell('knn-rotated') } : {}),
      'pose MAE': cell('pose-mae'),
    };
  });
  const runRows = [...results.models.map((m) => ({ name: m.name, label: m.label })), { name: 'judge', label: 'judge alone' }].map(({ name, label }) => {
    const inv = results.invariance.find((r) => r.model === name);
    const pose = results.pose.find((r) => r.model === name);
    const six = acc(name, 'rotated-6');
    const nine = acc(name, 'rotated-9');
    return {
      model: label,
      upright: fmt(acc(name, 'upright')),
      rotated: fmt(acc(name, 'rotated')),
      'rotated 6s': fmt(six),
      'rotated 9s': fmt(nine),
      'balanced 6/9': six === undefined || nine === undefined ? '–' : pct((six + nine) / 2),
      'mean cosine': inv ? fixed(inv.meanCosine) : '–',
      ...(hasKnn ? { 'kNN rotated': knnOf(name) } : {}),
      'pose MAE': pose ? degrees(pose.meanAbsoluteError) : '–',
    };
  });
  return aq.from([...spreadRows, ...runRows]);
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
  for (const c of results.knn ?? []) out[`knn_accuracy/${c.model}/${c.set}`] = c.estimate.accuracy;
  for (const g of results.seedSpread ?? []) {
    for (const m of g.metrics) {
      out[`seeds_mean/${g.kind}/${m.id}`] = m.spread.mean;
      out[`seeds_sd/${g.kind}/${m.id}`] = m.spread.sd;
    }
  }
  return out;
}
