// Runs every model over the evaluation sets and computes all the numbers of
// the report. Models are reached only through VaeRunner / JudgeRunner, so
// this file needs no TensorFlow and is tested with plain functions.
import { EvalInputError } from './errors.ts';
import { accuracyWithInterval } from './metrics/accuracy.ts';
import { summariseCircularError, wrapDegrees } from './metrics/circular.ts';
import { confusionMatrix, confusionRow } from './metrics/confusion-matrix.ts';
import { accuracyCurve, cosineCurve, curveSummary, reconstructionErrorCurve } from './metrics/invariance.ts';
import { kNearestNeighbourLabels, leaveOneOutNearestNeighbour } from './metrics/nearest-neighbour.ts';
import { PoseAligner, turnImage } from './metrics/pose.ts';
import type { EvalParams } from './params.ts';
import { checkDistinctSeeds, seedGroups } from './seed-summary.ts';
import { PAPER_TABLE1, type PaperModel } from './paper.ts';
import {
  RESULTS_SCHEMA,
  type AccuracyCell,
  type ConfusionRows,
  type EvaluationResults,
  type InputSetId,
  type InvarianceResult,
  type KnnCell,
  type ModelInfo,
  type NeighbourCell,
  type PoseResult,
  type StageTiming,
} from './results.ts';
import { indicesWhere, subsetIndices, takeGridDigits, takeItems } from './run/subset.ts';
import type { Encoding, JudgeRunner, LabelledImages, ModelKind, RotationGrid, VaeRunner } from './run/types.ts';
import { phaseTimer } from './run/timed.ts';

export interface EvaluationInputs {
  upright: LabelledImages;
  rotated: LabelledImages;
  grid: RotationGrid;
  /** Rotated 6s and 9s; when absent, the 6s and 9s of `rotated` are used. */
  sixNine?: LabelledImages;
  /** Upright training digits, the reference of the kNN-on-mu metric; absent leaves the metric out. */
  reference?: LabelledImages;
  /** VAEs evaluated here. */
  vaes: readonly VaeRunner[];
  /** VAEs evaluated elsewhere (evaluateModel in another process, with the same sets and params); they follow `vaes`. */
  evaluated?: readonly ModelEvaluation[];
  judge: JudgeRunner;
  params: EvalParams;
  /** Progress lines (phase names); nothing is printed when absent. */
  log?: (line: string) => void;
}

/** Images kept for the figures: small, chosen deterministically. */
export interface EvaluationSamples {
  size: number;
  /** One rotated test digit of each class (Figure 1 of the paper). */
  rotatedDigits: SampleStrip;
  /** Rotated 6s then rotated 9s (Figure 2 of the paper). */
  sixNine: SampleStrip;
  /** One digit turned through the grid's angles. */
  gridDigit: SampleStrip;
  /** Inputs, upright reconstructions and reconstructions turned back into the input's pose. */
  pose: SampleStrip & { reposed: Record<string, Float32Array>; estimated: Record<string, number[]> };
  /** mu of upright and rotated test digits, for the latent-space figure. */
  latent: Record<string, { latentDim: number; upright: LatentPoints; rotated: LatentPoints }>;
}

export interface SampleStrip {
  inputs: Float32Array;
  labels: number[];
  angles: number[];
  count: number;
  /** Reconstructions per model name. */
  reconstructions: Record<string, Float32Array>;
}

export interface LatentPoints {
  mu: Float32Array;
  labels: Uint8Array;
}

export interface EvaluationOutput {
  results: EvaluationResults;
  samples: EvaluationSamples;
  timings: StageTiming[];
}

const SIX_NINE = [6, 9] as const;

export function paperModelOf(kind: ModelKind): PaperModel | undefined {
  // The paper's S-GVAE used an SO(2)-steerable encoder; both encoder families stand for it.
  if (kind === 'sgvae-so2') return 'sgvae';
  return kind === 'sgvae' || kind === 'svae' ? kind : undefined;
}

interface ModelPass {
  encoding: Encoding;
  reconstructions: Float32Array;
  predictions: Uint8Array;
}

/**
 * The evaluation sets after the params' limits, and every index the metrics
 * and figures draw: fixed by the datasets and the eval params alone, so a
 * model evaluated in its own process (`evaluateModel`) gives the numbers it
 * would give beside the others.
 */
export interface PreparedEvaluation {
  params: EvalParams;
  size: number;
  upright: LabelledImages;
  rotated: LabelledImages;
  grid: RotationGrid;
  sixNine: LabelledImages;
  /** Indices of the 6s and 9s in `rotated` when the 6-or-9 rows take them from there; null with a separate set. */
  sixNineFromRotated: Int32Array | null;
  reference: LabelledImages | null;
  subsets: Record<InputSetId, Int32Array>;
  sampleIdx: { rotatedDigits: Int32Array; sixNine: Int32Array; uprightSixNine: Int32Array };
  poseIdx: Int32Array;
  latentIdx: { upright: Int32Array; rotated: Int32Array };
  gridUprightIdx: Int32Array;
  gridUprightImages: Float32Array;
}

/** The evaluation sets, without the models. */
export type EvaluationSets = Pick<EvaluationInputs, 'upright' | 'rotated' | 'grid' | 'sixNine' | 'reference' | 'params'>;

/** What one VAE contributes to the results and the figures. */
export interface ModelEvaluation {
  model: ModelInfo;
  /** Judge accuracy on the model's reconstructions, one cell per input set. */
  table1: AccuracyCell[];
  confusion: ConfusionRows;
  neighbours: NeighbourCell[];
  knn: KnnCell[];
  invariance: InvarianceResult;
  pose: PoseResult;
  samples: ModelSamples;
  timings: StageTiming[];
}

/** A model's part of the figures' samples. */
export interface ModelSamples {
  rotatedDigits: Float32Array;
  sixNine: Float32Array;
  gridDigit: Float32Array;
  reposed: Float32Array;
  estimated: number[];
  latent: { latentDim: number; upright: LatentPoints; rotated: LatentPoints };
}

/** The judge on the inputs themselves ("judge alone"). */
export interface JudgeEvaluation {
  judge: EvaluationResults['judge'];
  table1: AccuracyCell[];
  confusion: ConfusionRows;
  timings: StageTiming[];
}

export async function runEvaluation(inputs: EvaluationInputs): Promise<EvaluationOutput> {
  const { vaes, judge } = inputs;
  const evaluated = inputs.evaluated ?? [];
  const log = inputs.log ?? (() => {});
  if (vaes.length + evaluated.length === 0) throw new EvalInputError('no VAE to evaluate; pass --models <name>=<dir> or --evaluated <name>=<dir>');
  const infos = [...vaes.map(modelInfoOf), ...evaluated.map((m) => m.model)];
  checkModelNames(infos);
  // Before any work: runs of one kind must differ in their seed.
  checkDistinctSeeds(infos);
  const prepared = prepareEvaluation(inputs);
  checkImageSize(prepared, 'judge', judge.imageSize);
  for (const vae of vaes) checkImageSize(prepared, vae.name, vae.imageSize);
  const judged = await evaluateJudge(prepared, judge, log);
  const models: ModelEvaluation[] = [];
  for (const vae of vaes) models.push(await evaluateModel(prepared, vae, judge, log));
  return assembleEvaluation(prepared, judged, [...models, ...evaluated]);
}

/** Applies the params' limits to the sets and draws every index; checks that the sets fit together. */
export function prepareEvaluation(inputs: EvaluationSets): PreparedEvaluation {
  const { params } = inputs;
  const size = inputs.upright.size;
  for (const [what, s] of [['rotated', inputs.rotated.size], ['grid', inputs.grid.set.size]] as const) {
    if (s !== size) throw new EvalInputError(`${what} works on ${s}x${s} images but the upright set has ${size}x${size}; build the datasets and train the models at one image size`);
  }
  const upright = takeItems(inputs.upright, subsetIndices(inputs.upright.count, params.limits.upright, params.seed));
  const rotated = takeItems(inputs.rotated, subsetIndices(inputs.rotated.count, params.limits.rotated, params.seed + 1));
  const grid = takeGridDigits(inputs.grid, params.limits.gridDigits);
  const sixNineFromRotated = inputs.sixNine === undefined ? indicesWhere(rotated.labels, (l) => l === 6 || l === 9) : null;
  const sixNine = inputs.sixNine
    ? takeItems(inputs.sixNine, subsetIndices(inputs.sixNine.count, params.limits.sixNine, params.seed + 5))
    : takeItems(rotated, sixNineFromRotated!);
  if (sixNine.size !== size) throw new EvalInputError(`the 6-or-9 set has ${sixNine.size}x${sixNine.size} images, the upright set ${size}x${size}`);
  const reference = inputs.reference ? takeItems(inputs.reference, subsetIndices(inputs.reference.count, params.limits.reference, params.seed + 6)) : null;
  if (reference && reference.size !== size) throw new EvalInputError(`the kNN reference set has ${reference.size}x${reference.size} images, the upright set ${size}x${size}`);
  if (reference && reference.count < params.knn.k) {
    throw new EvalInputError(`the kNN reference set has ${reference.count} digits, fewer than knn.k = ${params.knn.k}; lower knn.k or raise limits.reference`);
  }
  const subsets: Record<InputSetId, Int32Array> = {
    upright: Int32Array.from({ length: upright.count }, (_, i) => i),
    rotated: Int32Array.from({ length: rotated.count }, (_, i) => i),
    'rotated-6': indicesWhere(sixNine.labels, (l) => l === 6),
    'rotated-9': indicesWhere(sixNine.labels, (l) => l === 9),
  };
  if (subsets['rotated-6'].length === 0 || subsets['rotated-9'].length === 0) {
    throw new EvalInputError(`the 6-or-9 set has ${subsets['rotated-6'].length} 6s and ${subsets['rotated-9'].length} 9s; it needs both`);
  }
  const gridUprightIdx = Int32Array.from({ length: grid.digits }, (_, d) => d * grid.angles.length + grid.uprightAngleIndex);
  return {
    params,
    size,
    upright,
    rotated,
    grid,
    sixNine,
    sixNineFromRotated,
    reference,
    subsets,
    sampleIdx: {
      rotatedDigits: firstOfEachClass(rotated.labels),
      sixNine: Int32Array.from([
        ...subsets['rotated-6'].slice(0, params.figures.sixNineColumns),
        ...subsets['rotated-9'].slice(0, params.figures.sixNineColumns),
      ]),
      uprightSixNine: indicesWhere(upright.labels, (l) => l === 6 || l === 9),
    },
    poseIdx: subsetIndices(rotated.count, params.limits.pose, params.seed + 2),
    latentIdx: {
      upright: subsetIndices(upright.count, params.limits.latentPoints, params.seed + 3),
      rotated: subsetIndices(rotated.count, params.limits.latentPoints, params.seed + 4),
    },
    gridUprightIdx,
    gridUprightImages: takeItems(grid.set, gridUprightIdx).images,
  };
}

/** A model or the judge must work on the sets' image size. */
export function checkImageSize(p: PreparedEvaluation, what: string, size: number): void {
  if (size !== p.size) throw new EvalInputError(`${what} works on ${size}x${size} images but the upright set has ${p.size}x${p.size}; build the datasets and train the models at one image size`);
}

/** Model names must be distinct and not "judge" (the judge's own rows). */
export function checkModelNames(models: readonly Pick<ModelInfo, 'name'>[]): void {
  const names = new Set<string>();
  for (const m of models) {
    if (names.has(m.name) || m.name === 'judge') throw new EvalInputError(`model name "${m.name}" is used twice or reserved; give each --models entry its own name`);
    names.add(m.name);
  }
}

export function modelInfoOf(v: VaeRunner): ModelInfo {
  return {
    name: v.name,
    label: v.label,
    kind: v.kind,
    latentDim: v.latentDim,
    ...(v.seed === undefined ? {} : { seed: v.seed }),
    ...(v.trainedWith === undefined ? {} : { trainedWith: v.trainedWith }),
  };
}

function estimator(p: PreparedEvaluation) {
  const bootstrap = p.params.bootstrapResamples > 0 ? { resamples: p.params.bootstrapResamples, seed: p.params.seed } : false;
  const estimate = (preds: Uint8Array, labels: Uint8Array, idx?: Int32Array) =>
    idx === undefined
      ? accuracyWithInterval(preds, labels, { level: p.params.confidenceLevel, bootstrap })
      : accuracyWithInterval(pick(preds, idx), pick(labels, idx), { level: p.params.confidenceLevel, bootstrap });
  const setOf = (id: InputSetId) => (id === 'upright' ? p.upright : id === 'rotated' ? p.rotated : p.sixNine);
  return { estimate, setOf };
}

/** The judge on the inputs themselves: its Table 1 cells and 6-or-9 confusion rows. */
export async function evaluateJudge(p: PreparedEvaluation, judge: JudgeRunner, log: (line: string) => void = () => {}): Promise<JudgeEvaluation> {
  checkImageSize(p, 'judge', judge.imageSize);
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  const { estimate, setOf } = estimator(p);
  const onUpright = await timed('judge on upright inputs', () => judge.classify(p.upright.images, p.upright.count));
  const onRotated = await timed('judge on rotated inputs', () => judge.classify(p.rotated.images, p.rotated.count));
  const onSixNine = p.sixNineFromRotated ? pick(onRotated, p.sixNineFromRotated) : await timed('judge on rotated 6s and 9s', () => judge.classify(p.sixNine.images, p.sixNine.count));
  const on = (id: InputSetId) => (id === 'upright' ? onUpright : id === 'rotated' ? onRotated : onSixNine);
  return {
    judge: {
      label: judge.label,
      ...(judge.seed === undefined ? {} : { seed: judge.seed }),
      ...(judge.trainedWith === undefined ? {} : { trainedWith: judge.trainedWith }),
    },
    table1: SETS.map(({ id }) => ({ set: id, source: 'judge', estimate: estimate(on(id), setOf(id).labels, p.subsets[id]) })),
    confusion: confusionRows('judge', p.sixNine.labels, onSixNine),
    timings,
  };
}

/** One VAE over every set: its reconstructions judged, its embedding measured, its figure samples. */
export async function evaluateModel(p: PreparedEvaluation, vae: VaeRunner, judge: JudgeRunner, log: (line: string) => void = () => {}): Promise<ModelEvaluation> {
  checkImageSize(p, vae.name, vae.imageSize);
  checkImageSize(p, 'judge', judge.imageSize);
  const { params, size, upright, rotated, grid, sixNine, reference, subsets, sampleIdx, poseIdx, latentIdx } = p;
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  const { estimate, setOf } = estimator(p);
  const pass = async (set: LabelledImages, what: string): Promise<ModelPass> =>
    timed(`${vae.name}: ${what}`, async () => {
      const encoding = await vae.encode(set.images, set.count);
      checkEncoding(vae, encoding, set.count);
      const reconstructions = await vae.decode(encoding.mu, set.count);
      if (reconstructions.length !== set.count * size * size) {
        throw new EvalInputError(`${vae.name}.decode returned ${reconstructions.length} values for ${set.count} images of ${size}x${size}`);
      }
      const predictions = await judge.classify(reconstructions, set.count);
      return { encoding, reconstructions, predictions };
    });
  const onUpright = await pass(upright, 'upright set');
  const onRotated = await pass(rotated, 'rotated set');
  const onGrid = await pass(grid.set, 'rotation grid');
  const onSixNine = p.sixNineFromRotated ? subsetPass(onRotated, p.sixNineFromRotated, vae.latentDim, size * size) : await pass(sixNine, 'rotated 6s and 9s');

  const paperModel = paperModelOf(vae.kind);
  const table1 = SETS.map(({ id }): AccuracyCell => {
    const run = id === 'upright' ? onUpright : id === 'rotated' ? onRotated : onSixNine;
    const cell: AccuracyCell = { set: id, source: vae.name, estimate: estimate(run.predictions, setOf(id).labels, subsets[id]) };
    if (paperModel) cell.paper = PAPER_TABLE1[id][paperModel];
    return cell;
  });

  const neighbours: NeighbourCell[] = [];
  await timed(`${vae.name}: 6-or-9 neighbours`, () => {
    for (const which of ['upright', 'rotated'] as const) {
      const set = which === 'upright' ? upright : sixNine;
      const idx = which === 'upright' ? sampleIdx.uprightSixNine : Int32Array.from({ length: sixNine.count }, (_, i) => i);
      if (idx.length < 2) continue;
      const run = which === 'upright' ? onUpright : onSixNine;
      const r = leaveOneOutNearestNeighbour(pickRows(run.encoding.mu, vae.latentDim, idx), vae.latentDim, pick(set.labels, idx), params.neighbourMetric);
      neighbours.push({ model: vae.name, set: which, accuracy: r.accuracy, majorityBaseline: r.majorityBaseline, count: r.count, metric: params.neighbourMetric });
    }
  });

  const knn: KnnCell[] = [];
  if (reference) {
    await timed(`${vae.name}: kNN on mu against ${reference.count} upright training digits`, async () => {
      const ref = await vae.encode(reference.images, reference.count);
      checkEncoding(vae, ref, reference.count);
      for (const which of ['upright', 'rotated'] as const) {
        const set = which === 'upright' ? upright : rotated;
        const mu = (which === 'upright' ? onUpright : onRotated).encoding.mu;
        const predicted = kNearestNeighbourLabels(ref.mu, reference.labels, mu, vae.latentDim, params.knn.k, params.neighbourMetric);
        knn.push({
          model: vae.name,
          set: which,
          k: params.knn.k,
          referenceCount: reference.count,
          estimate: estimate(predicted, set.labels),
          metric: params.neighbourMetric,
        });
      }
    });
  }

  const gridLayout = { angles: grid.angles, digits: grid.digits };
  const muRef = pickRows(onGrid.encoding.mu, vae.latentDim, p.gridUprightIdx);
  const cosine = cosineCurve(onGrid.encoding.mu, muRef, vae.latentDim, gridLayout);
  const reconstructionError = reconstructionErrorCurve(onGrid.reconstructions, p.gridUprightImages, size * size, gridLayout);
  const judgeAccuracy = accuracyCurve(onGrid.predictions, grid.digitLabels, gridLayout);
  const invariance: InvarianceResult = {
    model: vae.name,
    cosine,
    reconstructionError,
    judgeAccuracy,
    meanCosine: curveSummary(cosine),
    meanReconstructionError: curveSummary(reconstructionError),
    meanJudgeAccuracy: curveSummary(judgeAccuracy),
    digits: grid.digits,
  };

  const aligner = new PoseAligner(size, { coarseStepDeg: params.pose.coarseStepDeg, refineStepDeg: params.pose.refineStepDeg });
  const px = size * size;
  const { pose, reposed, estimated } = await timed(`${vae.name}: pose recovery`, () => {
    const estimatedAngles = new Float64Array(poseIdx.length);
    const truth = new Float64Array(poseIdx.length);
    let corr = 0;
    poseIdx.forEach((i, k) => {
      const r = aligner.estimate(rotated.images.subarray(i * px, (i + 1) * px), onRotated.reconstructions.subarray(i * px, (i + 1) * px));
      estimatedAngles[k] = r.angle;
      truth[k] = rotated.angles[i];
      corr += r.correlation;
    });
    const s = summariseCircularError(estimatedAngles, truth, params.pose.toleranceDeg);
    // Halving doubled angles identifies theta with theta + 180.
    const mod180 = summariseCircularError(estimatedAngles.map((a) => 2 * a), truth.map((a) => 2 * a)).meanAbsoluteError / 2;
    const result: PoseResult = {
      model: vae.name,
      meanAbsoluteError: s.meanAbsoluteError,
      medianAbsoluteError: s.medianAbsoluteError,
      meanAbsoluteErrorMod180: mod180,
      withinTolerance: s.withinTolerance,
      toleranceDeg: s.tolerance,
      meanCorrelation: corr / Math.max(1, poseIdx.length),
      count: s.count,
    };
    const turnedBack = new Float32Array(sampleIdx.rotatedDigits.length * px);
    const est: number[] = [];
    sampleIdx.rotatedDigits.forEach((i, k) => {
      const recon = onRotated.reconstructions.subarray(i * px, (i + 1) * px);
      const a = aligner.estimate(rotated.images.subarray(i * px, (i + 1) * px), recon).angle;
      est.push(wrapDegrees(a));
      turnedBack.set(turnImage(recon, size, a), k * px);
    });
    return { pose: result, reposed: turnedBack, estimated: est };
  });

  return {
    model: modelInfoOf(vae),
    table1,
    confusion: confusionRows(vae.name, sixNine.labels, onSixNine.predictions),
    neighbours,
    knn,
    invariance,
    pose,
    samples: {
      rotatedDigits: pickRows(onRotated.reconstructions, px, sampleIdx.rotatedDigits),
      sixNine: pickRows(onSixNine.reconstructions, px, sampleIdx.sixNine),
      gridDigit: onGrid.reconstructions.slice(0, grid.angles.length * px),
      reposed,
      estimated,
      latent: {
        latentDim: vae.latentDim,
        upright: { mu: pickRows(onUpright.encoding.mu, vae.latentDim, latentIdx.upright), labels: pick(upright.labels, latentIdx.upright) },
        rotated: { mu: pickRows(onRotated.encoding.mu, vae.latentDim, latentIdx.rotated), labels: pick(rotated.labels, latentIdx.rotated) },
      },
    },
    timings,
  };
}

/**
 * The results and figure samples of a whole evaluation: the judge alone, then
 * the models in the order given (each evaluated here or in its own process).
 * runEvaluation checks the models' names and seeds before any work.
 */
export function assembleEvaluation(p: PreparedEvaluation, judged: JudgeEvaluation, models: readonly ModelEvaluation[]): EvaluationOutput {
  const infos = models.map((m) => m.model);
  const { rotated, grid, sixNine, sampleIdx } = p;
  const samples: EvaluationSamples = {
    size: p.size,
    rotatedDigits: strip(rotated, sampleIdx.rotatedDigits),
    sixNine: strip(sixNine, sampleIdx.sixNine),
    gridDigit: strip(grid.set, Int32Array.from({ length: grid.angles.length }, (_, a) => a)),
    pose: { ...strip(rotated, sampleIdx.rotatedDigits), reposed: {}, estimated: {} },
    latent: {},
  };
  for (const m of models) {
    const name = m.model.name;
    samples.rotatedDigits.reconstructions[name] = m.samples.rotatedDigits;
    samples.pose.reconstructions[name] = m.samples.rotatedDigits;
    samples.pose.reposed[name] = m.samples.reposed;
    samples.pose.estimated[name] = m.samples.estimated;
    samples.sixNine.reconstructions[name] = m.samples.sixNine;
    samples.gridDigit.reconstructions[name] = m.samples.gridDigit;
    samples.latent[name] = m.samples.latent;
  }
  const results: EvaluationResults = {
    schema: RESULTS_SCHEMA,
    models: infos,
    judge: judged.judge,
    counts: {
      upright: p.subsets.upright.length,
      rotated: p.subsets.rotated.length,
      'rotated-6': p.subsets['rotated-6'].length,
      'rotated-9': p.subsets['rotated-9'].length,
    },
    confidenceLevel: p.params.confidenceLevel,
    table1: [...judged.table1, ...models.flatMap((m) => m.table1)],
    invariance: models.map((m) => m.invariance),
    sixNine: { confusion: [judged.confusion, ...models.map((m) => m.confusion)], neighbours: models.flatMap((m) => m.neighbours) },
    knn: models.flatMap((m) => m.knn),
    pose: models.map((m) => m.pose),
    seedSpread: null,
    sweep: null,
    figures: [],
    provenance: null,
  };
  const groups = seedGroups(results);
  if (groups.length > 0) results.seedSpread = groups;
  return { results, samples, timings: [...judged.timings, ...models.flatMap((m) => m.timings)] };
}

const SETS: readonly { id: InputSetId }[] = [{ id: 'upright' }, { id: 'rotated' }, { id: 'rotated-6' }, { id: 'rotated-9' }];

function checkEncoding(vae: VaeRunner, e: Encoding, count: number): void {
  if (e.mu.length !== count * vae.latentDim || e.kappa.length !== count) {
    throw new EvalInputError(
      `${vae.name}.encode returned mu of ${e.mu.length} and kappa of ${e.kappa.length} values for ${count} images (latentDim ${vae.latentDim})`,
    );
  }
}

function subsetPass(run: ModelPass, idx: Int32Array, latentDim: number, pixels: number): ModelPass {
  return {
    encoding: { mu: pickRows(run.encoding.mu, latentDim, idx), kappa: pickRows(run.encoding.kappa, 1, idx) },
    reconstructions: pickRows(run.reconstructions, pixels, idx),
    predictions: pick(run.predictions, idx),
  };
}

function confusionRows(source: string, labels: Uint8Array, predictions: Uint8Array): ConfusionRows {
  const m = confusionMatrix(labels, predictions, 10);
  return { source, rows: SIX_NINE.map((t) => ({ trueLabel: t, counts: confusionRow(m, t) })) };
}

function pick(values: Uint8Array, idx: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: idx.length }, (_, k) => values[idx[k]]);
}

function pickRows(matrix: Float32Array, dim: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * dim);
  for (let k = 0; k < idx.length; k++) out.set(matrix.subarray(idx[k] * dim, (idx[k] + 1) * dim), k * dim);
  return out;
}

function firstOfEachClass(labels: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) {
    const i = labels.indexOf(c);
    if (i >= 0) out.push(i);
  }
  return Int32Array.from(out);
}

function strip(set: LabelledImages, idx: Int32Array): SampleStrip {
  const taken = takeItems(set, idx);
  return { inputs: taken.images, labels: Array.from(taken.labels), angles: Array.from(taken.angles), count: taken.count, reconstructions: {} };
}
