// The eval stage as a function: datasets + trained models in, report folder out.
import { join } from 'node:path';
import { checkModelNames, evaluateModel, modelInfoOf, prepareEvaluation, runEvaluation, type EvaluationSets, type ModelEvaluation } from './evaluate.ts';
import { checkEvaluationInputs, evaluationInputsRecord, readModelEvaluation, writeModelEvaluation } from './run/model-evaluation-file.ts';
import { EvalInputError } from './errors.ts';
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
  /** VAEs evaluated in this process. */
  models: readonly ModelSpec[];
  /** Model evaluation folders (written by runModelEvalStage), merged after `models`. */
  evaluated?: readonly ModelSpec[];
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

/** The eval sets named by the params, read from the data stage's folder. */
async function readSets(params: EvalParams, dataDir: string, timed: ReturnType<typeof phaseTimer>): Promise<EvaluationSets> {
  return timed('read datasets', () => ({
    params,
    upright: readSet(dataDir, params.datasets.upright),
    rotated: readSet(dataDir, params.datasets.rotated),
    grid: readGrid(dataDir, params.datasets.grid),
    ...(params.datasets.sixNine === null ? {} : { sixNine: readSet(dataDir, params.datasets.sixNine) }),
    ...(params.datasets.reference === null ? {} : { reference: readSet(dataDir, params.datasets.reference) }),
  }));
}

export interface ModelEvalStageOptions {
  params: EvalParams;
  dataDir: string;
  model: ModelSpec;
  judgeDir: string;
  outDir: string;
  backend: string;
  numerics?: string;
  log?: (line: string) => void;
}

/**
 * One VAE evaluated on its own: its numbers and figure samples go to a model
 * evaluation folder, which runEvalStage merges into the report (`evaluated`).
 * The numbers are those the VAE gets when evaluated beside the others.
 */
export async function runModelEvalStage(o: ModelEvalStageOptions): Promise<ModelEvaluation> {
  const log = o.log ?? (() => {});
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  const inputs = evaluationInputsRecord(o.params, o.dataDir, o.judgeDir);
  const prepared = prepareEvaluation(await readSets(o.params, o.dataDir, timed));
  const vae = await loadVae(o.model.dir, { name: o.model.name, batchSize: o.params.batchSize });
  try {
    checkModelNames([modelInfoOf(vae)]);
    const judge = await loadJudge(o.judgeDir, { batchSize: o.params.batchSize });
    try {
      const evaluation = await evaluateModel(prepared, vae, judge, log);
      log('write model evaluation');
      writeModelEvaluation(o.outDir, {
        inputs,
        modelDir: o.model.dir,
        backend: o.backend,
        ...(o.numerics === undefined ? {} : { numerics: o.numerics }),
        evaluation,
      });
      return evaluation;
    } finally {
      judge.dispose?.();
    }
  } finally {
    vae.dispose?.();
  }
}

export async function runEvalStage(o: EvalStageOptions): Promise<EvalStageResult> {
  const log = o.log ?? (() => {});
  const { params } = o;
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  const evaluatedSpecs = o.evaluated ?? [];
  // Evaluations made elsewhere are checked against this report's inputs before any work.
  const expectedInputs = evaluatedSpecs.length > 0 ? evaluationInputsRecord(params, o.dataDir, o.judgeDir) : null;
  const evaluated = evaluatedSpecs.map((spec) => {
    const record = readModelEvaluation(spec.dir);
    checkEvaluationInputs(expectedInputs!, record.inputs, join(spec.dir, 'model-evaluation.json'));
    if (record.evaluation.model.name !== spec.name) {
      throw new EvalInputError(`--evaluated ${spec.name}=${spec.dir} holds the evaluation of model "${record.evaluation.model.name}"; name it ${record.evaluation.model.name}=${spec.dir}`);
    }
    return { spec, record };
  });
  const sets = await readSets(params, o.dataDir, timed);
  const vaes: VaeRunner[] = [];
  const judge = await timed('load models', async () => {
    for (const m of o.models) vaes.push(await loadVae(m.dir, { name: m.name, batchSize: params.batchSize }));
    return loadJudge(o.judgeDir, { batchSize: params.batchSize });
  });
  try {
    const evaluation = await runEvaluation({ ...sets, vaes, evaluated: evaluated.map((e) => e.record.evaluation), judge, log });
    timings.push(...evaluation.timings);
    const sweep = o.sweepDirs && o.sweepDirs.length > 0 ? await timed('read sweep', () => readSweep(o.sweepDirs!, params.sweep.paperValidationSize)) : null;
    const seeds: Record<string, number | null> = { eval: params.seed, judge: judge.seed ?? null };
    for (const m of evaluation.results.models) seeds[m.name] = m.seed ?? null;
    const inputs: Record<string, string> = { datasets: o.dataDir, judge: o.judgeDir };
    for (const m of o.models) inputs[`model ${m.name}`] = m.dir;
    for (const { spec, record } of evaluated) {
      inputs[`model ${spec.name}`] = record.modelDir;
      inputs[`evaluation ${spec.name}`] = spec.dir;
    }
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
        ...(evaluated.length === 0
          ? {}
          : {
              modelEvaluations: evaluated.map(({ spec, record }) => ({
                model: spec.name,
                folder: spec.dir,
                backend: record.backend,
                ...(record.numerics === undefined ? {} : { numerics: record.numerics }),
              })),
            }),
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
