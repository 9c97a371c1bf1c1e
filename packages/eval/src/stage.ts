// The eval stage as a function: datasets + trained models in, report folder out.
import { join } from 'node:path';
import { runEvaluation } from './evaluate.ts';
import { renderFigures } from './figures/render.ts';
import type { EvalParams } from './params.ts';
import { writeReport, type WrittenReport } from './report/write-report.ts';
import type { EvaluationResults, Provenance, StageTiming } from './results.ts';
import { readGrid, readSet } from './run/datasets.ts';
import { loadJudge, loadVae } from './run/load-models.ts';
import { readSweep } from './run/sweep.ts';
import type { VaeRunner } from './run/types.ts';
import { hardwareInfo } from '@sgvae/contracts';
import { phaseTimer } from './run/timed.ts';

export interface ModelSpec {
  name: string;
  dir: string;
}

export interface EvalStageOptions {
  params: EvalParams;
  dataDir: string;
  models: readonly ModelSpec[];
  judgeDir: string;
  outDir: string;
  sweepDirs?: readonly string[];
  pipelineTimings?: StageTiming[] | null;
  /** Name of the active TensorFlow.js backend (the CLI chose it). */
  backend: string;
  codeVersion: Provenance['codeVersion'];
  /** This machine's facts that change the numerics (one line), from the CLI. */
  numerics?: string;
  log?: (line: string) => void;
}

export interface EvalStageResult {
  results: EvaluationResults;
  report: WrittenReport;
}

export async function runEvalStage(o: EvalStageOptions): Promise<EvalStageResult> {
  const log = o.log ?? (() => {});
  const { params } = o;
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  const sets = await timed('read datasets', () => ({
    upright: readSet(o.dataDir, params.datasets.upright),
    rotated: readSet(o.dataDir, params.datasets.rotated),
    grid: readGrid(o.dataDir, params.datasets.grid),
    ...(params.datasets.sixNine === null ? {} : { sixNine: readSet(o.dataDir, params.datasets.sixNine) }),
    ...(params.datasets.reference === null ? {} : { reference: readSet(o.dataDir, params.datasets.reference) }),
  }));
  const vaes: VaeRunner[] = [];
  const judge = await timed('load models', async () => {
    for (const m of o.models) vaes.push(await loadVae(m.dir, { name: m.name, batchSize: params.batchSize }));
    return loadJudge(o.judgeDir, { batchSize: params.batchSize });
  });
  try {
    const evaluation = await runEvaluation({ ...sets, vaes, judge, params, log });
    timings.push(...evaluation.timings);
    const sweep = o.sweepDirs && o.sweepDirs.length > 0 ? await timed('read sweep', () => readSweep(o.sweepDirs!, params.sweep.paperValidationSize)) : null;
    const seeds: Record<string, number | null> = { eval: params.seed, judge: judge.seed ?? null };
    for (const v of vaes) seeds[v.name] = v.seed ?? null;
    const inputs: Record<string, string> = { datasets: o.dataDir, judge: o.judgeDir };
    for (const m of o.models) inputs[`model ${m.name}`] = m.dir;
    for (const d of o.sweepDirs ?? []) inputs[`sweep`] = inputs.sweep ? `${inputs.sweep}, ${d}` : d;
    const results: EvaluationResults = {
      ...evaluation.results,
      sweep,
      provenance: {
        codeVersion: o.codeVersion,
        params,
        seeds,
        backend: o.backend,
        hardware: hardwareInfo(),
        ...(o.numerics === undefined ? {} : { numerics: o.numerics }),
        timings,
        pipeline: o.pipelineTimings ?? null,
        inputs,
      },
    };
    const figures = await timed('render figures', () => renderFigures(results, evaluation.samples, { pixelScale: params.figures.pixelScale }));
    log('write report');
    const report = await writeReport(o.outDir, results, figures);
    return { results, report };
  } finally {
    for (const v of vaes) v.dispose?.();
    judge.dispose?.();
  }
}

export const reportPath = (outDir: string) => join(outDir, 'report.md');
