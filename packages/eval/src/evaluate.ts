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
  vaes: readonly VaeRunner[];
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

export async function runEvaluation(inputs: EvaluationInputs): Promise<EvaluationOutput> {
  const { params, vaes, judge } = inputs;
  const log = inputs.log ?? (() => {});
  const timings: StageTiming[] = [];
  const timed = phaseTimer(log, timings);
  if (vaes.length === 0) throw new EvalInputError('no VAE to evaluate; pass at least one --models name=dir');
  const names = new Set<string>();
  for (const vae of vaes) {
    if (names.has(vae.name) || vae.name === 'judge') throw new EvalInputError(`model name "${vae.name}" is used twice or reserved; give each --models entry its own name`);
    names.add(vae.name);
  }
  // Before any work: runs of one kind must differ in their seed.
  checkDistinctSeeds(vaes);
  const size = inputs.upright.size;
  for (const [what, s] of [['rotated', inputs.rotated.size], ['grid', inputs.grid.set.size], ['judge', judge.imageSize], ...vaes.map((v) => [v.name, v.imageSize] as const)] as const) {
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
  const bootstrap = params.bootstrapResamples > 0 ? { resamples: params.bootstrapResamples, seed: params.seed } : false;
  const estimate = (preds: Uint8Array, labels: Uint8Array, idx: Int32Array) =>
    accuracyWithInterval(pick(preds, idx), pick(labels, idx), { level: params.confidenceLevel, bootstrap });

  const judgeUpright = await timed('judge on upright inputs', () => judge.classify(upright.images, upright.count));
  const judgeRotated = await timed('judge on rotated inputs', () => judge.classify(rotated.images, rotated.count));
  const judgeSixNine = sixNineFromRotated ? pick(judgeRotated, sixNineFromRotated) : await timed('judge on rotated 6s and 9s', () => judge.classify(sixNine.images, sixNine.count));

  const table1: AccuracyCell[] = [];
  const confusion: ConfusionRows[] = [];
  const neighbours: NeighbourCell[] = [];
  const knn: KnnCell[] = [];
  const invariance: InvarianceResult[] = [];
  const pose: PoseResult[] = [];

  const setOf = (id: InputSetId) => (id === 'upright' ? upright : id === 'rotated' ? rotated : sixNine);
  const judgeOn = (id: InputSetId) => (id === 'upright' ? judgeUpright : id === 'rotated' ? judgeRotated : judgeSixNine);
  for (const { id } of SETS) {
    table1.push({ set: id, source: 'judge', estimate: estimate(judgeOn(id), setOf(id).labels, subsets[id]) });
  }
  confusion.push(confusionRows('judge', sixNine.labels, judgeSixNine));

  const sampleIdx = {
    rotatedDigits: firstOfEachClass(rotated.labels),
    sixNine: Int32Array.from([
      ...subsets['rotated-6'].slice(0, params.figures.sixNineColumns),
      ...subsets['rotated-9'].slice(0, params.figures.sixNineColumns),
    ]),
    uprightSixNine: indicesWhere(upright.labels, (l) => l === 6 || l === 9),
  };
  const poseIdx = subsetIndices(rotated.count, params.limits.pose, params.seed + 2);
  const latentIdx = {
    upright: subsetIndices(upright.count, params.limits.latentPoints, params.seed + 3),
    rotated: subsetIndices(rotated.count, params.limits.latentPoints, params.seed + 4),
  };
  const samples: EvaluationSamples = {
    size,
    rotatedDigits: strip(rotated, sampleIdx.rotatedDigits),
    sixNine: strip(sixNine, sampleIdx.sixNine),
    gridDigit: strip(grid.set, Int32Array.from({ length: grid.angles.length }, (_, a) => a)),
    pose: { ...strip(rotated, sampleIdx.rotatedDigits), reposed: {}, estimated: {} },
    latent: {},
  };
  const aligner = new PoseAligner(size, { coarseStepDeg: params.pose.coarseStepDeg, refineStepDeg: params.pose.refineStepDeg });
  const gridLayout = { angles: grid.angles, digits: grid.digits };
  const gridUprightIdx = Int32Array.from({ length: grid.digits }, (_, d) => d * grid.angles.length + grid.uprightAngleIndex);
  const gridUprightImages = takeItems(grid.set, gridUprightIdx).images;

  for (const vae of vaes) {
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
    const onSixNine = sixNineFromRotated ? subsetPass(onRotated, sixNineFromRotated, vae.latentDim, size * size) : await pass(sixNine, 'rotated 6s and 9s');

    const paperModel = paperModelOf(vae.kind);
    for (const { id } of SETS) {
      const run = id === 'upright' ? onUpright : id === 'rotated' ? onRotated : onSixNine;
      const cell: AccuracyCell = { set: id, source: vae.name, estimate: estimate(run.predictions, setOf(id).labels, subsets[id]) };
      if (paperModel) cell.paper = PAPER_TABLE1[id][paperModel];
      table1.push(cell);
    }
    confusion.push(confusionRows(vae.name, sixNine.labels, onSixNine.predictions));

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
            estimate: accuracyWithInterval(predicted, set.labels, { level: params.confidenceLevel, bootstrap }),
            metric: params.neighbourMetric,
          });
        }
      });
    }

    const muRef = pickRows(onGrid.encoding.mu, vae.latentDim, gridUprightIdx);
    const cosine = cosineCurve(onGrid.encoding.mu, muRef, vae.latentDim, gridLayout);
    const reconstructionError = reconstructionErrorCurve(onGrid.reconstructions, gridUprightImages, size * size, gridLayout);
    const judgeAccuracy = accuracyCurve(onGrid.predictions, grid.digitLabels, gridLayout);
    invariance.push({
      model: vae.name,
      cosine,
      reconstructionError,
      judgeAccuracy,
      meanCosine: curveSummary(cosine),
      meanReconstructionError: curveSummary(reconstructionError),
      meanJudgeAccuracy: curveSummary(judgeAccuracy),
      digits: grid.digits,
    });

    await timed(`${vae.name}: pose recovery`, () => {
      const px = size * size;
      const estimated = new Float64Array(poseIdx.length);
      const truth = new Float64Array(poseIdx.length);
      let corr = 0;
      poseIdx.forEach((i, k) => {
        const p = aligner.estimate(rotated.images.subarray(i * px, (i + 1) * px), onRotated.reconstructions.subarray(i * px, (i + 1) * px));
        estimated[k] = p.angle;
        truth[k] = rotated.angles[i];
        corr += p.correlation;
      });
      const s = summariseCircularError(estimated, truth, params.pose.toleranceDeg);
      // Halving doubled angles identifies theta with theta + 180.
      const mod180 = summariseCircularError(estimated.map((a) => 2 * a), truth.map((a) => 2 * a)).meanAbsoluteError / 2;
      pose.push({
        model: vae.name,
        meanAbsoluteError: s.meanAbsoluteError,
        medianAbsoluteError: s.medianAbsoluteError,
        meanAbsoluteErrorMod180: mod180,
        withinTolerance: s.withinTolerance,
        toleranceDeg: s.tolerance,
        meanCorrelation: corr / Math.max(1, poseIdx.length),
        count: s.count,
      });
      const reposed = new Float32Array(samples.pose.count * px);
      const est: number[] = [];
      sampleIdx.rotatedDigits.forEach((i, k) => {
        const recon = onRotated.reconstructions.subarray(i * px, (i + 1) * px);
        const a = aligner.estimate(rotated.images.subarray(i * px, (i + 1) * px), recon).angle;
        est.push(wrapDegrees(a));
        reposed.set(turnImage(recon, size, a), k * px);
      });
      samples.pose.reposed[vae.name] = reposed;
      samples.pose.estimated[vae.name] = est;
    });

    samples.rotatedDigits.reconstructions[vae.name] = pickRows(onRotated.reconstructions, size * size, sampleIdx.rotatedDigits);
    samples.pose.reconstructions[vae.name] = samples.rotatedDigits.reconstructions[vae.name];
    samples.sixNine.reconstructions[vae.name] = pickRows(onSixNine.reconstructions, size * size, sampleIdx.sixNine);
    samples.gridDigit.reconstructions[vae.name] = onGrid.reconstructions.slice(0, grid.angles.length * size * size);
    samples.latent[vae.name] = {
      latentDim: vae.latentDim,
      upright: { mu: pickRows(onUpright.encoding.mu, vae.latentDim, latentIdx.upright), labels: pick(upright.labels, latentIdx.upright) },
      rotated: { mu: pickRows(onRotated.encoding.mu, vae.latentDim, latentIdx.rotated), labels: pick(rotated.labels, latentIdx.rotated) },
    };
  }

  const results: EvaluationResults = {
    schema: RESULTS_SCHEMA,
    models: vaes.map((v) => ({
      name: v.name,
      label: v.label,
      kind: v.kind,
      latentDim: v.latentDim,
      ...(v.seed === undefined ? {} : { seed: v.seed }),
      ...(v.trainedWith === undefined ? {} : { trainedWith: v.trainedWith }),
    })),
    judge: {
      label: judge.label,
      ...(judge.seed === undefined ? {} : { seed: judge.seed }),
      ...(judge.trainedWith === undefined ? {} : { trainedWith: judge.trainedWith }),
    },
    counts: {
      upright: subsets.upright.length,
      rotated: subsets.rotated.length,
      'rotated-6': subsets['rotated-6'].length,
      'rotated-9': subsets['rotated-9'].length,
    },
    confidenceLevel: params.confidenceLevel,
    table1,
    invariance,
    sixNine: { confusion, neighbours },
    knn,
    pose,
    seedSpread: null,
    sweep: null,
    figures: [],
    provenance: null,
  };
  const groups = seedGroups(results);
  if (groups.length > 0) results.seedSpread = groups;
  return { results, samples, timings };
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
