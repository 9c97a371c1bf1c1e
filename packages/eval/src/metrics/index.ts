export {
  accuracyWithInterval,
  bootstrapMeanInterval,
  correctMask,
  normalQuantileTwoSided,
  quantileSorted,
  wilsonInterval,
} from './accuracy.ts';
export type { AccuracyEstimate, BootstrapOptions, Interval, LabelArray } from './accuracy.ts';
export { confusionMatrix, confusionRow, confusionRowRates } from './confusion-matrix.ts';
export type { ConfusionMatrix } from './confusion-matrix.ts';
export { circularDistance, circularMeanAbsoluteError, summariseCircularError, wrapDegrees } from './circular.ts';
export type { CircularErrorSummary } from './circular.ts';
export { accuracyCurve, cosineCurve, curveSummary, reconstructionErrorCurve } from './invariance.ts';
export type { InvarianceCurve, RotationGridLayout } from './invariance.ts';
export { perImageToSummed, summedToPerImage } from './loss-units.ts';
export { leaveOneOutNearestNeighbour } from './nearest-neighbour.ts';
export type { NearestNeighbourResult, NeighbourMetric } from './nearest-neighbour.ts';
export { PoseAligner } from './pose.ts';
export type { PoseAlignerOptions, PoseEstimate } from './pose.ts';
export { cosineSimilarity, mean, meanSquaredError, normaliseRows } from './vectors.ts';
