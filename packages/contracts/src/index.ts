// @sgvae/contracts: what every stage shares about the artifacts it writes:
// the code version, the code fingerprint that guards resuming, the machine
// facts that change the numerics, atomic file and folder writes, seed
// derivation and image rotation.
export { ContractError, ContractInputError } from './errors.ts';
export { CODE_VERSION_ENV, type CodeVersion, formatCodeVersion, gitCodeVersion, parseCodeVersion, resolveCodeVersion } from './code-version.ts';
export { type SourceFingerprint, sourceFingerprint } from './source-fingerprint.ts';
export { type CpuInfo, describeNumerics, NUMERICS_ENV, type NumericsProvenance, numericsProvenance } from './numerics-provenance.ts';
export {
  abandonFolder,
  beginFolder,
  commitFolder,
  removeStaleSiblings,
  temporarySibling,
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
