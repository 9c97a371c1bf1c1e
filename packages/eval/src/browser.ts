// Browser-safe entry of @sgvae/eval: the evaluation's pose estimate
// (correlation of the turned reconstruction with the input over the disk) and
// the circular helpers it uses, for the model viewer. Nothing imported from
// here may use a `node:` module; the viewer's tests bundle it for the browser
// and fail on any.
export { EvalError, EvalInputError } from './errors.ts';
export { PoseAligner } from './metrics/pose.ts';
export type { PoseAlignerOptions, PoseEstimate } from './metrics/pose.ts';
export { circularDistance, wrapDegrees } from './metrics/circular.ts';
