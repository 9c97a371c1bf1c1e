// Public entry of @sgvae/data: MNIST IDX reading, padding, seeded randomness,
// stratified splits, dataset artifacts and augmentation. Image rotation and
// seed derivation are @sgvae/contracts'.

export {
  DataError,
  IdxFormatError,
  ParamsError,
  BuildAbortedError,
  CliUsageError,
} from './errors.ts';
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  NUM_CLASSES,
  parseIdxImages,
  parseIdxLabels,
  readIdxImages,
  readIdxLabels,
  readIdxPair,
} from './idx.ts';
export type { IdxImages, LabelledImages } from './idx.ts';
export { MNIST_SIDE, loadMnist, mnistPaths } from './mnist.ts';
export type { MnistSplit, IdxPairPaths } from './mnist.ts';
export { padImages, paddingFor } from './pad.ts';
export type { Padding } from './pad.ts';
export { Xoshiro128, createRng, shuffleInPlace } from './prng.ts';
export type { Rng, Xoshiro128State } from './prng.ts';
export { allocateProportional, countPerClass, stratifiedSplit } from './stratify.ts';
export type { StratifiedSplit } from './stratify.ts';
export {
  DEFAULT_PARAMS,
  DEFAULT_SET,
  DEFAULT_SUBSET,
  RESERVED_SET_NAMES,
  gridAngles,
  loadDataParams,
  parseDataParams,
} from './params.ts';
export type { DataParams, EvalSetParams, RotationSpec, SetSource, SubsetParams } from './params.ts';
export { drawAngle, drawAngles } from './angles.ts';
export { RandomRotation, composeAugmentations } from './augmentation.ts';
export type { Augmentation, RandomRotationOptions } from './augmentation.ts';
export { readDataset, readDatasetFrom, writeDataset } from './artifact.ts';
export type { Dataset, DatasetArrays } from './artifact.ts';
export { buildDatasets, splitIndices } from './build-datasets.ts';
export type { BuildOptions, BuildProgress, MnistSources, SplitIndices } from './build-datasets.ts';
export { USAGE, runCli } from './cli.ts';
export type { CliIo } from './cli.ts';
export { isMainModule } from './is-main-module.ts';
