// Runs of one model kind that differ only in their seed, summarised: for each
// headline number, its mean, sd and t interval over seeds, beside the
// per-run Wilson intervals. Computed from the per-run results, so every run
// is also reported on its own.
import { EvalInputError } from './errors.ts';
import type { Interval } from './metrics/accuracy.ts';
import { spreadOf, type Spread } from './metrics/seed-spread.ts';
import type { EvaluationResults, InputSetId, ModelInfo } from './results.ts';
import type { ModelKind } from './run/types.ts';

export type SeedMetricId = InputSetId | 'balanced-6-9' | 'mean-cosine' | 'min-cosine' | 'knn-rotated' | 'pose-mae';

export const SEED_METRICS: readonly { id: SeedMetricId; title: string; unit: 'fraction' | 'cosine' | 'degrees' }[] = [
  { id: 'upright', title: 'MNIST (upright)', unit: 'fraction' },
  { id: 'rotated', title: 'Rotated MNIST', unit: 'fraction' },
  { id: 'rotated-6', title: 'Rotated 6 digits', unit: 'fraction' },
  { id: 'rotated-9', title: 'Rotated 9 digits', unit: 'fraction' },
  { id: 'balanced-6-9', title: 'Balanced 6/9 (mean of the two)', unit: 'fraction' },
  { id: 'mean-cosine', title: 'Mean cosine under rotation', unit: 'cosine' },
  { id: 'min-cosine', title: 'Cosine at the worst angle', unit: 'cosine' },
  { id: 'knn-rotated', title: 'kNN on mu, rotated digits', unit: 'fraction' },
  { id: 'pose-mae', title: 'Pose MAE', unit: 'degrees' },
];

export interface SeedMetric {
  id: SeedMetricId;
  spread: Spread;
  /** The Wilson interval of each run, in run order (judge accuracies on one input set only). */
  wilson?: Interval[];
}

export interface SeedGroup {
  kind: ModelKind;
  /** The kind's label (`S-GVAE`), without a run name. */
  label: string;
  runs: { model: string; seed: number | null }[];
  metrics: SeedMetric[];
}

/**
 * Refuses two runs of one kind with the same seed: on one machine they are the
 * same computation, and their "spread" would be zero by construction.
 */
export function checkDistinctSeeds(models: readonly Pick<ModelInfo, 'name' | 'kind' | 'seed' | 'label'>[]): void {
  const seen = new Map<string, string>();
  for (const m of models) {
    if (m.kind === 'other' || m.seed === undefined) continue;
    const key = `${m.kind}\u0000${m.seed}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new EvalInputError(
        `models ${first} and ${m.name} are both ${m.kind} runs trained with seed ${m.seed}; ` +
          'the spread between runs needs distinct seeds: train one of them with another seed (train CLI --seed)',
      );
    }
    seen.set(key, m.name);
  }
}

function kindLabel(label: string, name: string): string {
  const suffix = ` (${name})`;
  return label.endsWith(suffix) ? label.slice(0, -suffix.length) : label;
}

/**
 * One group per model kind with at least two runs; empty when every kind has
 * one run. The runs of a kind are assumed to differ in their seed
 * (`runEvaluation` checks that with `checkDistinctSeeds` before any work).
 */
export function seedGroups(results: Pick<EvaluationResults, 'models' | 'table1' | 'invariance' | 'pose' | 'confidenceLevel'> & { knn?: EvaluationResults['knn'] }): SeedGroup[] {
  const byKind = new Map<ModelKind, ModelInfo[]>();
  for (const m of results.models) {
    if (m.kind === 'other') continue;
    byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  }
  const groups: SeedGroup[] = [];
  for (const [kind, runs] of byKind) {
    if (runs.length < 2) continue;
    const cell = (model: string, set: InputSetId) => {
      const c = results.table1.find((x) => x.source === model && x.set === set);
      if (c === undefined) throw new EvalInputError(`results hold no Table 1 cell for ${model} on ${set}`);
      return c.estimate;
    };
    const value = (id: SeedMetricId, model: string): number | undefined => {
      switch (id) {
        case 'balanced-6-9':
          return (cell(model, 'rotated-6').accuracy + cell(model, 'rotated-9').accuracy) / 2;
        case 'mean-cosine':
          return results.invariance.find((r) => r.model === model)?.meanCosine;
        case 'min-cosine': {
          const inv = results.invariance.find((r) => r.model === model);
          return inv === undefined ? undefined : Math.min(...inv.cosine.mean);
        }
        case 'knn-rotated':
          return (results.knn ?? []).find((c) => c.model === model && c.set === 'rotated')?.estimate.accuracy;
        case 'pose-mae':
          return results.pose.find((p) => p.model === model)?.meanAbsoluteError;
        default:
          return cell(model, id).accuracy;
      }
    };
    const metrics: SeedMetric[] = [];
    for (const { id } of SEED_METRICS) {
      const values = runs.map((r) => value(id, r.name));
      if (values.some((v) => v === undefined)) continue;
      const metric: SeedMetric = { id, spread: spreadOf(values as number[], results.confidenceLevel) };
      if (id === 'upright' || id === 'rotated' || id === 'rotated-6' || id === 'rotated-9') metric.wilson = runs.map((r) => cell(r.name, id).wilson);
      metrics.push(metric);
    }
    groups.push({
      kind,
      label: kindLabel(runs[0].label, runs[0].name),
      runs: runs.map((r) => ({ model: r.name, seed: r.seed ?? null })),
      metrics,
    });
  }
  return groups;
}
