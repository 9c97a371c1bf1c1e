// @sgvae/contracts: what every stage shares about the artifacts it writes:
// the code version, the code fingerprint that guards resuming, and the
// machine facts that change the numerics.
export { ContractError, ContractInputError } from './errors.ts';
export { CODE_VERSION_ENV, type CodeVersion, formatCodeVersion, gitCodeVersion, parseCodeVersion, resolveCodeVersion } from './code-version.ts';
export { type SourceFingerprint, sourceFingerprint } from './source-fingerprint.ts';
export { type CpuInfo, describeNumerics, NUMERICS_ENV, type NumericsProvenance, numericsProvenance } from './numerics-provenance.ts';
