// @sgvae/contracts/params: the one way every stage validates its params.
// A stage describes its params with the field kinds of ./schema.ts (zod
// schemas whose errors say what is allowed), or with profiled fields
// (./profiles.ts) when its defaults depend on a profile, and validates with
// `parseParams` / `resolveProfiled`, which throw a ParamsError naming the
// file, the section and the full path of every bad field. ./params-file.ts
// puts the stages' schemas together into the JSON schema of a pipeline's
// params file. Browser-safe: nothing here imports a `node:` module; reading a
// params file from disk (JSON or YAML, with the same ParamsError) is
// ./read-file.ts, the Node-only entry `@sgvae/contracts/params/read-file`.
export { fieldPath, ParamsError, type ParamsIssue, type ParamsSource } from './errors.ts';
export {
  choice,
  closest,
  describeNumber,
  didYouMean,
  flag,
  formatPath,
  mapping,
  number,
  type NumberLimits,
  parseParams,
  showValue,
  strict,
  text,
  z,
} from './schema.ts';
export {
  all,
  defaultsFor,
  describeFields,
  documentedProfileSchema,
  field,
  type Field,
  type Fields,
  type ParamsOf,
  type Profile,
  PROFILES,
  profileSchema,
  resolveProfiled,
} from './profiles.ts';
export { JUDGE_TRAIN_KEY, paramsFileJsonSchema, paramsFileSchema, type StageSchemas, trainStageFor } from './params-file.ts';
