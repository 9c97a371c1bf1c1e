// Per-epoch metrics as JSON Lines and CSV. Both files are rewritten whole
// from the rows kept in the checkpoint, so a resumed run never shows the
// epochs of an abandoned attempt twice.
import { join } from 'node:path';
import { writeFileAtomically } from '@sgvae/contracts';

/** One epoch's metrics: numbers only, `epoch` first. */
export type MetricsRow = Readonly<Record<string, number>>;

export const METRICS_JSONL = 'metrics.jsonl';
export const METRICS_CSV = 'metrics.csv';

/** Columns in order of first appearance across rows. */
export function metricColumns(rows: readonly MetricsRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

export function toJsonLines(rows: readonly MetricsRow[]): string {
  return rows.map((row) => JSON.stringify(row) + '\n').join('');
}

export function toCsv(rows: readonly MetricsRow[]): string {
  const columns = metricColumns(rows);
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => (row[c] === undefined ? '' : String(row[c]))).join(','));
  return lines.join('\n') + '\n';
}

/** Writes `metrics.jsonl` and `metrics.csv` into `dir`. */
export async function writeMetricsFiles(dir: string, rows: readonly MetricsRow[]): Promise<void> {
  writeFileAtomically(join(dir, METRICS_JSONL), toJsonLines(rows));
  writeFileAtomically(join(dir, METRICS_CSV), toCsv(rows));
}
