// @sgvae/contracts: what every stage shares about the artifacts it writes:
// the code version, the code fingerprint that guards resuming, the machine
// facts that change the numerics, atomic file and folder writes, seed
// derivation and image rotation.
// Browser-safe entries (no `node:` import): `@sgvae/contracts/rotation` and
// `@sgvae/contracts/seeds`; the models and the pose search import those, so
// that the model viewer can bundle them. `@sgvae/contracts/params` (also
// browser-safe) is the params schema every stage validates its params with;
// `@sgvae/contracts/params/read-file` (Node) reads a stage's params file.
export { ArtifactCorruptError, ArtifactError, ArtifactMissingError, ContractError, ContractInputError } from './errors.ts';
export { ParamsError, type ParamsIssue, type ParamsSource } from './params/errors.ts';
export { CODE_VERSION_ENV, type CodeVersion, formatCodeVersion, gitCodeVersion, parseCodeVersion, resolveCodeVersion } from './code-version.ts';
export { type SourceFingerprint, sourceFingerprint } from './source-fingerprint.ts';
export {
  type CpuInfo,
  describeNumerics,
  type HardwareInfo,
  hardwareInfo,
  NUMERICS_ENV,
  type NumericsProvenance,
  numericsProvenance,
} from './numerics-provenance.ts';
export {
  abandonFolder,
  beginFolder,
  commitFolder,
  removeStaleSiblings,
  writeFileAtomically,
  writeFileSynced,
  writeFolderAtomically,
  writeFolderAtomicallyAsync,
} from './atomic-write.ts';
export { deriveSeedFnv1a, deriveSeedMurmur3, mulberry32, splitmix32 } from './seeds.ts';
export {
  applyRotationTable,
  bilinearRotationTable,
  checkSupersample,
  createRotationPlan,
  ImageRotator,
  MAX_SUPERSAMPLE,
  type PixelArray,
  type RotateOptions,
  type RotationPlan,
  type RotationTable,
  type RotationTableOptions,
  rotateImage,
  rotateImages,
} from './rotation.ts';
export {
  ANGLE_CONVENTION,
  DATASET_FILE_NAMES,
  DATASET_FORMAT,
  DATASET_FORMAT_VERSION,
  DATASETS_FORMAT,
  type DataParams,
  type DatasetDescription,
  type DatasetFileEntry,
  type DatasetFileKey,
  type DatasetManifest,
  type DatasetsIndex,
  type DatasetsIndexEntry,
  type DatasetsProvenance,
  datasetsIndexPath,
  DEFAULT_REBUILD_HINT,
  type EvalSetParams,
  manifestJson,
  type Padding,
  PROVENANCE_FILE,
  readDatasetManifest,
  readDatasetsIndex,
  type RotationSpec,
  type SetSource,
  sha256,
  type SourceProvenance,
  type SubsetParams,
  writeDatasetManifest,
  writeDatasetsIndex,
  writeDatasetsProvenance,
} from './dataset-manifest.ts';
export {
  type JudgeConfigRecord,
  type JudgeParamsRecord,
  type JudgeTrainManifest,
  type LoadedTrainManifest,
  type MetricsRecord,
  readTrainManifest,
  type TrainDataRecord,
  type TrainDataSet,
  TRAIN_MANIFEST_FORMAT,
  type TrainManifest,
  type TrainProvenance,
  type TrainProvenanceFacts,
  trainProvenance,
  type VaeConfigRecord,
  type VaeParamsRecord,
  type VaeTrainManifest,
  writeTrainManifest,
} from './train-manifest.ts';
