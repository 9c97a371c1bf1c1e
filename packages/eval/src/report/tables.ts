// The report's tables, built with arquero from the results object. Display
// strings are made here; the raw numbers stay in results.json.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { INPUT_SETS, type EvaluationResults, type SweepResult } from '../results.ts';
import { PAPER_BETAS, PAPER_LATENT_DIMS, paperTable2 } from '../paper.ts';
import type { Interval } from '../metrics/accuracy.ts';
import { SEED_METRICS } from '../seed-summary.ts';
import { degrees, fixed, interval, pct, thousands } from './format.ts';

export interface ReportTable {
  id: string;
  title: string;
  caption: string;
  table: ColumnTable;
}

/** Ids of the tables every report has; `table-2` is added when sweep results exist. */
export const REQUIRED_TABLE_IDS = [
  'table-1',
  'table-1-intervals',
  'invariance',
  'six-nine-confusion',
  'six-nine-neighbours',
  'pose',
  'provenance',
  'timings',
] as const;

export function requiredTableIds(results: Pick<EvaluationResults, 'sweep' | 'seedSpread'> & { knn?: EvaluationResults['knn'] }): string[] {
  return [
    ...(results.seedSpread ? ['table-1-seeds'] : []),
    ...REQUIRED_TABLE_IDS,
    ...((results.knn ?? []).length > 0 ? ['knn'] : []),
    ...(results.sweep ? ['table-2'] : []),
  ];
}

/** `76.2% ± 1.9` for fractions, `0.991 ± 0.002` for cosines, `27.1° ± 3.0` for angles. */
function meanSd(unit: 'fraction' | 'cosine' | 'degrees', mean: number, sd: number): string {
  if (unit === 'fraction') return `${pct(mean)} ± ${(100 * sd).toFixed(1)}`;
  if (unit === 'degrees') return `${degrees(mean)} ± ${sd.toFixed(1)}`;
  return `${fixed(mean)} ± ${fixed(sd)}`;
}

function seedInterval(unit: 'fraction' | 'cosine' | 'degrees', i: Interval): string {
  if (unit === 'fraction') return interval(i);
  const d = unit === 'degrees' ? 1 : 3;
  return `[${i.lower.toFixed(d)}, ${i.upper.toFixed(d)}]`;
}

/** Table 1 over seeds: one row per headline number, one column group per model kind trained with several seeds. */
function seedTable(results: EvaluationResults, level: string): ReportTable | undefined {
  const groups = results.seedSpread;
  if (!groups) return undefined;
  const rows = SEED_METRICS.filter(({ id }) => groups.some((g) => g.metrics.some((m) => m.id === id))).map(({ id, title, unit }) => {
    const row: Record<string, string> = { number: title };
    for (const g of groups) {
      const m = g.metrics.find((x) => x.id === id);
      const head = `${g.label} (${g.runs.length} seeds)`;
      row[`${head}: mean ± sd [${level} over seeds]`] = m
        ? `${meanSd(unit, m.spread.mean, m.spread.sd)}${m.spread.interval ? ` ${seedInterval(unit, m.spread.interval)}` : ''}`
        : '–';
      const runs = m ? m.spread.values.map((v) => (unit === 'fraction' ? (100 * v).toFixed(1) : unit === 'degrees' ? v.toFixed(1) : v.toFixed(3))).join(' / ') : '–';
      const wilson = m?.wilson ? ` (Wilson ±${(100 * m.wilson.reduce((s, w) => s + (w.upper - w.lower) / 2, 0) / m.wilson.length).toFixed(1)})` : '';
      row[`${head}: per run`] = `${runs}${wilson}`;
    }
    return row;
  });
  const seeds = groups.map((g) => `${g.label}: ${g.runs.map((r) => `${r.model} (seed ${r.seed ?? '?'})`).join(', ')}`).join('; ');
  return {
    id: 'table-1-seeds',
    title: 'Table 1 over seeds: the spread between training runs',
    caption:
      `Each model kind trained several times, identical but for the seed (${seeds}). Mean ± sample standard deviation over the runs, ` +
      `with the ${level} Student-t interval for the mean over seeds in brackets; then each run's value in seed order, with the mean ` +
      `half-width of the per-run ${level} Wilson interval (how precisely one run is measured on the finite test set, in points). ` +
      `Accuracies in %, cosines of mu, pose error in degrees. Balanced 6/9 is the mean of the rotated-6 and rotated-9 accuracies.`,
    table: aq.from(rows),
  };
}

function labelOf(results: EvaluationResults, source: string): string {
  if (source === 'judge') return 'judge alone';
  return results.models.find((m) => m.name === source)?.label ?? source;
}

export function buildTables(results: EvaluationResults): ReportTable[] {
  const level = `${Math.round(results.confidenceLevel * 100)}%`;
  const tables: ReportTable[] = [];
  const seeds = seedTable(results, level);
  if (seeds) tables.push(seeds);

  const t1 = INPUT_SETS.map(({ id, title }) => {
    const row: Record<string, string | number> = { input: title, n: results.counts[id] };
    for (const m of results.models) {
      const cell = results.table1.find((c) => c.set === id && c.source === m.name);
      row[m.label] = cell ? `${pct(cell.estimate.accuracy)} ${interval(cell.estimate.wilson)}` : '–';
      if (results.table1.some((c) => c.source === m.name && c.paper !== undefined)) {
        row[`${m.label} (paper)`] = cell?.paper === undefined ? '–' : pct(cell.paper, 0);
      }
    }
    const judge = results.table1.find((c) => c.set === id && c.source === 'judge');
    row['judge alone'] = judge ? `${pct(judge.estimate.accuracy)} ${interval(judge.estimate.wilson)}` : '–';
    return row;
  });
  tables.push({
    id: 'table-1',
    title: 'Table 1: judge accuracy on the reconstructions',
    caption:
      `The judge's accuracy (against the input's true label) on each VAE's reconstructions, with the ${level} Wilson score interval ` +
      `in brackets; "(paper)" columns repeat the paper's Table 1; "judge alone" is the judge on the same inputs without a VAE ` +
      `(the ceiling the paper does not report). Reconstructions are decoded from the posterior mean direction mu.`,
    table: aq.from(t1),
  });

  tables.push({
    id: 'table-1-intervals',
    title: 'Table 1 in detail: both confidence intervals',
    caption: `Accuracy as a fraction with its ${level} Wilson score interval and percentile bootstrap interval (resampling images; "–" when the bootstrap was switched off).`,
    table: aq.from(
      results.table1.map((c) => ({
        input: INPUT_SETS.find((s) => s.id === c.set)?.title ?? c.set,
        source: labelOf(results, c.source),
        n: c.estimate.count,
        correct: c.estimate.correct,
        accuracy: fixed(c.estimate.accuracy, 4),
        'Wilson low': fixed(c.estimate.wilson.lower, 4),
        'Wilson high': fixed(c.estimate.wilson.upper, 4),
        'bootstrap low': c.estimate.bootstrap ? fixed(c.estimate.bootstrap.lower, 4) : '–',
        'bootstrap high': c.estimate.bootstrap ? fixed(c.estimate.bootstrap.upper, 4) : '–',
      })),
    ),
  });

  tables.push({
    id: 'invariance',
    title: 'Invariance of the embedding',
    caption:
      'Test digits turned through a full circle. Mean cosine: cos(mu(turned), mu(upright)) averaged over digits and over every angle ' +
      'of the grid except 0° (1 = perfectly invariant). Minimum: the worst angle of the mean curve. Reconstruction MSE: per-pixel ' +
      'mean squared error of the reconstruction against the upright digit, averaged the same way (at 0° in its own column).',
    table: aq.from(
      results.invariance.map((r) => {
        const zero = r.reconstructionError.angles.findIndex((a) => a % 360 === 0);
        return {
          model: labelOf(results, r.model),
          digits: r.digits,
          'mean cosine': fixed(r.meanCosine),
          'min cosine': fixed(Math.min(...r.cosine.mean)),
          'at angle': degrees(r.cosine.angles[r.cosine.mean.indexOf(Math.min(...r.cosine.mean))], 0),
          'reconstruction MSE': fixed(r.meanReconstructionError, 4),
          'MSE at 0°': zero >= 0 ? fixed(r.reconstructionError.mean[zero], 4) : '–',
          'judge accuracy': pct(r.meanJudgeAccuracy),
        };
      }),
    ),
  });

  tables.push({
    id: 'six-nine-confusion',
    title: 'The 6-or-9 question: what the judge sees in reconstructions of rotated 6s and 9s',
    caption:
      'Rows: true digit of the rotated input; columns: the judge\'s prediction on the reconstruction (counts). "judge alone" classifies the rotated inputs themselves.',
    table: aq.from(
      results.sixNine.confusion.flatMap((c) =>
        c.rows.map((r) => {
          const total = r.counts.reduce((s, v) => s + v, 0);
          const row: Record<string, string | number> = { source: labelOf(results, c.source), 'true digit': r.trueLabel, n: total };
          r.counts.forEach((v, k) => (row[`→${k}`] = v));
          row['correct'] = total > 0 ? pct(r.counts[r.trueLabel] / total) : '–';
          row['read as 6↔9'] = total > 0 ? pct(r.counts[r.trueLabel === 6 ? 9 : 6] / total) : '–';
          return row;
        }),
      ),
    ),
  });

  tables.push({
    id: 'six-nine-neighbours',
    title: 'How far apart 6s and 9s sit in latent space',
    caption:
      'Leave-one-out 1-nearest-neighbour accuracy between 6s and 9s using mu alone: each 6 or 9 is labelled by its nearest other 6 or 9. ' +
      'The majority baseline is what always answering the more frequent digit scores.',
    table: aq.from(
      results.sixNine.neighbours.map((n) => ({
        model: labelOf(results, n.model),
        inputs: n.set,
        n: n.count,
        metric: n.metric,
        '1-NN accuracy': pct(n.accuracy),
        'majority baseline': pct(n.majorityBaseline),
      })),
    ),
  });

  if ((results.knn ?? []).length > 0) {
    const first = results.knn[0];
    tables.push({
      id: 'knn',
      title: 'kNN on mu: the embedding as a classifier',
      caption:
        `Each test digit is labelled by the most frequent digit among its ${first.k} nearest upright training digits in mu ` +
        `(${first.metric}; ${first.referenceCount} training digits, a seeded subset). No decoder and no judge take part: this reads ` +
        `the embedding itself. For rotated inputs it asks whether a turned digit lands among upright digits of its class. ` +
        `Brackets: ${level} Wilson intervals.`,
      table: aq.from(
        results.models.map((m) => {
          const cell = (set: 'upright' | 'rotated') => {
            const c = results.knn.find((x) => x.model === m.name && x.set === set);
            return c ? `${pct(c.estimate.accuracy)} ${interval(c.estimate.wilson)}` : '–';
          };
          return { model: m.label, 'upright test digits': cell('upright'), 'rotated test digits': cell('rotated') };
        }),
      ),
    });
  }

  tables.push({
    id: 'pose',
    title: 'Pose recovery (beyond the paper)',
    caption:
      'Each rotated input\'s angle is estimated by aligning its upright reconstruction with it (correlation inside the inscribed disk, ' +
      'coarse grid then refinement). Circular mean absolute error in degrees (chance: 90°); "mod 180°" forgives upside-down mix-ups, ' +
      'which symmetric digits (0, 1, 8) and the 6/9 pair invite.',
    table: aq.from(
      results.pose.map((p) => ({
        model: labelOf(results, p.model),
        n: p.count,
        'circular MAE': degrees(p.meanAbsoluteError),
        median: degrees(p.medianAbsoluteError),
        'MAE mod 180°': degrees(p.meanAbsoluteErrorMod180),
        [`within ${p.toleranceDeg}°`]: pct(p.withinTolerance),
        'mean correlation': fixed(p.meanCorrelation),
      })),
    ),
  });

  if (results.sweep) tables.push(table2(results.sweep));

  const prov = results.provenance;
  tables.push({
    id: 'provenance',
    title: 'Provenance',
    caption: 'Where these numbers come from.',
    table: aq.from(provenanceRows(results)),
  });
  const timings = [...(prov?.pipeline ?? []).map((t) => ({ ...t, scope: 'pipeline' })), ...(prov?.timings ?? []).map((t) => ({ ...t, scope: 'eval' }))];
  tables.push({
    id: 'timings',
    title: 'Stage timings',
    caption: 'Wall-clock seconds of the pipeline\'s stages (when the pipeline passed them, with cache hits) and of this evaluation\'s phases.',
    table: aq.from(
      timings.length > 0
        ? timings.map((t) => ({ scope: t.scope, stage: t.name, seconds: fixed(t.seconds, 2), 'cache hit': t.cacheHit === undefined ? '–' : t.cacheHit ? 'yes' : 'no' }))
        : [{ scope: '–', stage: '–', seconds: '–', 'cache hit': '–' }],
    ),
  });
  return tables;
}

function provenanceRows(results: EvaluationResults): { item: string; value: string }[] {
  const p = results.provenance;
  const rows: { item: string; value: string }[] = [];
  const add = (item: string, value: string) => rows.push({ item, value });
  if (!p) {
    add('provenance', 'not recorded');
    return rows;
  }
  add('code version', p.codeVersion ? `${p.codeVersion.commit}${p.codeVersion.dirty ? ' (uncommitted changes)' : ''}` : 'unknown (not a git checkout)');
  add('backend', p.backend);
  add('hardware', `${p.hardware.cpuModel}, ${p.hardware.cores} cores, ${p.hardware.memoryGiB.toFixed(0)} GiB`);
  add('runtime', `Node ${p.hardware.node} on ${p.hardware.platform}/${p.hardware.arch}`);
  if (p.numerics !== undefined) add('evaluated on', p.numerics);
  for (const e of p.modelEvaluations ?? []) add(`evaluated separately: ${e.model}`, `${e.numerics ?? e.backend}; ${e.folder}`);
  // Training numerics differ between CPU kinds (oneDNN picks kernels by instruction set): name each model's machine.
  for (const m of results.models) {
    if (m.trainedWith) add(`trained: ${m.label}`, `${m.trainedWith.machine ?? 'machine not recorded'}; code ${m.trainedWith.codeVersion ?? 'unknown'}`);
  }
  if (results.judge.trainedWith) add('trained: judge', `${results.judge.trainedWith.machine ?? 'machine not recorded'}; code ${results.judge.trainedWith.codeVersion ?? 'unknown'}`);
  for (const [k, v] of Object.entries(p.seeds)) add(`seed: ${k}`, v === null ? 'not recorded' : String(v));
  for (const [k, v] of Object.entries(p.inputs)) add(`input: ${k}`, v);
  add('models', results.models.map((m) => `${m.label} (${m.name}, ${m.kind}, latent ${m.latentDim})`).join('; '));
  add('judge', results.judge.label);
  add('params', JSON.stringify(p.params));
  return rows;
}

const SWEEP_MODELS = [
  { model: 'sgvae', label: 'S-GVAE' },
  { model: 'svae', label: 'S-VAE' },
] as const;

/**
 * Table 2: our validation loss per (beta, d) beside the paper's, one row per
 * grid point that has a run (or that the grid lists). The lowest loss of each
 * model is marked "(best)", ours and the paper's separately.
 */
export function table2(sweep: SweepResult, missing: readonly { model: string; beta: number; latentDim: number }[] = []): ReportTable {
  const rows: Record<string, string | number>[] = [];
  const betas = [...new Set([...PAPER_BETAS, ...sweep.entries.map((e) => e.beta), ...missing.map((m) => m.beta)])].sort((a, b) => a - b);
  const dims = [...new Set([...PAPER_LATENT_DIMS, ...sweep.entries.map((e) => e.latentDim), ...missing.map((m) => m.latentDim)])].sort((a, b) => a - b);
  const best = (values: number[]) => (values.length === 0 ? undefined : Math.min(...values));
  const ourBest = Object.fromEntries(SWEEP_MODELS.map(({ model }) => [model, best(sweep.entries.filter((e) => e.model === model).map((e) => e.lossPerImage))]));
  const paperBest = Object.fromEntries(
    SWEEP_MODELS.map(({ model }) => [
      model,
      best(PAPER_BETAS.flatMap((b) => PAPER_LATENT_DIMS.map((d) => paperTable2(b, d, model))).filter((v): v is number => v !== undefined)),
    ]),
  );
  const mark = (text: string, isBest: boolean) => (isBest ? `${text} (best)` : text);
  for (const beta of betas) {
    for (const d of dims) {
      const row: Record<string, string | number> = { beta: String(beta), d: String(d) };
      let any = false;
      for (const { model, label } of SWEEP_MODELS) {
        const e = sweep.entries.find((x) => x.model === model && x.beta === beta && x.latentDim === d);
        const pending = missing.some((m) => m.model === model && m.beta === beta && m.latentDim === d);
        if (e || pending) any = true;
        const absent = pending ? 'not run yet' : '–';
        row[`${label} ours (nats/image)`] = e ? mark(fixed(e.lossPerImage, 1), e.lossPerImage === ourBest[model]) : absent;
        row[`${label} ours ×${sweep.paperValidationSize}`] = e ? thousands(e.lossOnPaperScale) : absent;
        const paper = e?.paper ?? paperTable2(beta, d, model);
        row[`${label} paper`] = paper === undefined ? '–' : mark(thousands(paper), paper === paperBest[model]);
      }
      if (any) rows.push(row);
    }
  }
  const epochs = [...new Set(sweep.entries.map((e) => e.epochs).filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
  const sizes = [...new Set(sweep.entries.map((e) => e.validationSize).filter((v) => v > 0))].sort((a, b) => a - b);
  return {
    id: 'table-2',
    title: 'Table 2: validation loss of the beta x latent-dimension sweep',
    caption:
      `Negative ELBO (reconstruction loss + beta x KL) on the validation set` +
      (sizes.length > 0 ? ` (ours: ${sizes.map((n) => n.toLocaleString('en-US')).join(' or ')} images)` : '') +
      `; lower is better, and "(best)" marks each model's lowest, ` +
      `ours and the paper's separately. Ours is a mean per image (nats/image) and is put on the paper's scale by multiplying by ` +
      `${sweep.paperValidationSize} images (the paper sums over its validation set; 35,000 images with test = 1/7 gives 5,000, an ` +
      `assumption since the paper does not name the split). Paper numbers from its Table 2 (50 epochs)` +
      (epochs.length > 0 ? `; ours after ${epochs.join(' or ')} epoch${epochs.length === 1 && epochs[0] === 1 ? '' : 's'}` : '') +
      `. Losses at different beta weigh the KL term differently, so compare cells within a beta, and the two models within a cell. ` +
      `On that assumption the paper's sums are 3 to 10 nats per image, far below the reconstruction term alone of any MNIST VAE ` +
      `(tens of nats per image), so the paper's sum runs over fewer images or another reduction than stated: compare the pattern ` +
      `across cells (which beta and d are best, which model is lower), not the magnitudes.`,
    table: aq.from(rows.length > 0 ? rows : [{ beta: '–', d: '–' }]),
  };
}
