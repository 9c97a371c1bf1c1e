// The evaluation's numbers, as written to results.json beside the report.
// Every table and the checker's range checks are derived from this object.
import type { CodeVersion, HardwareInfo } from '@sgvae/contracts';
import type { AccuracyEstimate } from './metrics/accuracy.ts';
import type { InvarianceCurve } from './metrics/invariance.ts';
import type { ModelKind, TrainedWith } from './run/types.ts';
import type { SeedGroup } from './seed-summary.ts';

export const RESULTS_SCHEMA = 'sgvae-eval-results/1';

export type InputSetId = 'upright' | 'rotated' | 'rotated-6' | 'rotated-9';

export const INPUT_SETS: readonly { id: InputSetId; title: string }[] = [
  { id: 'upright', title: 'MNIST (upright)' },
  { id: 'rotated', title: 'Rotated MNIST' },
  { id: 'rotated-6', title: 'Rotated 6 digits' },
  { id: 'rotated-9', title: 'Rotated 9 digits' },
];

export interface ModelInfo {
  name: string;
  label: string;
  kind: ModelKind;
  latentDim: number;
  seed?: number;
  /** The code and machine that trained it, from its manifest. */
  trainedWith?: TrainedWith;
}

/** Judge accuracy on one input set, either on the model's reconstructions or (source "judge") on the inputs themselves. */
export interface AccuracyCell {
  set: InputSetId;
  /** A model name, or "judge" for the judge on the raw inputs. */
  source: string;
  estimate: AccuracyEstimate;
  /** The paper's number for this cell, a fraction (absent where the paper has none). */
  paper?: number;
}

export interface InvarianceResult {
  model: string;
  /** cos(mu(turned), mu(upright)) per angle. */
  cosine: InvarianceCurve;
  /** Mean squared error per pixel of the reconstruction against the upright input. */
  reconstructionError: InvarianceCurve;
  /** Judge accuracy on the reconstructions per angle. */
  judgeAccuracy: InvarianceCurve;
  /** Mean cosine over the grid's angles other than 0 degrees. */
  meanCosine: number;
  meanReconstructionError: number;
  meanJudgeAccuracy: number;
  digits: number;
}

export interface ConfusionRows {
  source: string;
  /** Counts per predicted class 0..9 for each true class studied (6 and 9). */
  rows: { trueLabel: number; counts: number[] }[];
}

export interface NeighbourCell {
  model: string;
  set: 'upright' | 'rotated';
  accuracy: number;
  majorityBaseline: number;
  count: number;
  metric: 'cosine' | 'euclidean';
}

/** kNN on mu: test digits classified by the labels of their k nearest upright training digits in mu. */
export interface KnnCell {
  model: string;
  set: 'upright' | 'rotated';
  k: number;
  /** Upright training digits in the reference. */
  referenceCount: number;
  estimate: AccuracyEstimate;
  metric: 'cosine' | 'euclidean';
}

export interface PoseResult {
  model: string;
  meanAbsoluteError: number;
  medianAbsoluteError: number;
  /** Circular MAE after identifying angles 180 degrees apart (ignores upside-down mix-ups). */
  meanAbsoluteErrorMod180: number;
  withinTolerance: number;
  toleranceDeg: number;
  meanCorrelation: number;
  count: number;
}

export interface SweepEntry {
  model: 'sgvae' | 'svae';
  beta: number;
  latentDim: number;
  /** Our validation loss: negative ELBO, mean per image (nats). */
  lossPerImage: number;
  /** Images in our validation set. */
  validationSize: number;
  /** lossPerImage x paperValidationSize: our number on the paper's scale. */
  lossOnPaperScale: number;
  /** The paper's sum over its validation set. */
  paper?: number;
  epochs?: number;
  /** Name of the run's folder. */
  run?: string;
}

export interface SweepResult {
  paperValidationSize: number;
  entries: SweepEntry[];
  source: string;
}

export interface FigureInfo {
  id: string;
  title: string;
  caption: string;
  /** Relative to the report folder. */
  png: string;
  svg: string;
  /** Size of the PNG in pixels. */
  width: number;
  height: number;
  /** The PNG is the SVG rendered at this zoom. */
  zoom: number;
}

export interface StageTiming {
  name: string;
  seconds: number;
  cacheHit?: boolean;
}

export interface Provenance {
  codeVersion: CodeVersion | null;
  params: unknown;
  seeds: Record<string, number | null>;
  backend: string;
  hardware: HardwareInfo;
  /** This evaluation's machine facts that change the numerics (one line); absent in older results. */
  numerics?: string;
  /** Models evaluated in their own process (the pipeline's evaluate-model stages): where, and on what machine. */
  modelEvaluations?: { model: string; folder: string; backend: string; numerics?: string }[];
  /** Phases of this evaluation run. */
  timings: StageTiming[];
  /** Timings and cache hits of the pipeline's stages, when the pipeline passed them. */
  pipeline: StageTiming[] | null;
  inputs: Record<string, string>;
}

export interface EvaluationResults {
  schema: typeof RESULTS_SCHEMA;
  models: ModelInfo[];
  judge: { label: string; seed?: number; trainedWith?: TrainedWith };
  counts: Record<InputSetId, number>;
  confidenceLevel: number;
  table1: AccuracyCell[];
  invariance: InvarianceResult[];
  sixNine: { confusion: ConfusionRows[]; neighbours: NeighbourCell[] };
  /** Empty when the evaluation had no reference set (params.datasets.reference null). */
  knn: KnnCell[];
  pose: PoseResult[];
  /** Per model kind trained with several seeds: the spread of the headline numbers; null when each kind has one run. */
  seedSpread: SeedGroup[] | null;
  sweep: SweepResult | null;
  figures: FigureInfo[];
  provenance: Provenance | null;
}
