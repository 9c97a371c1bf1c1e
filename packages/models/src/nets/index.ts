// Public entry of the networks: configs and presets, the encoders (CNN, C_N, SO(2)), the
// shared decoder, the judge, save/load and the model summary.
export { ModelIoError, NetConfigError, NetError } from './errors.ts';
export {
  ENCODER_KINDS,
  EQUIVARIANT_ENCODER_KINDS,
  PAPER_CNN_RATIOS,
  PRESET_NAMES,
  VAE_NET_CONFIG_VERSION,
  cnnCounterpart,
  countDecoderParams,
  countEncoderParams,
  encoderMapSizes,
  matchCnnWidths,
  migrateVaeNetConfig,
  readVaeNetConfig,
  resolveVaeNetConfig,
  transposedValidSize,
  vaePreset,
  validateVaeNetConfig,
} from './config.ts';
export type {
  ActivationName,
  BatchNormConfig,
  CnnEncoderConfig,
  DecoderConfig,
  DeepPartial,
  EncoderConfig,
  EncoderKind,
  EquivariantEncoderKind,
  GcnnEncoderConfig,
  HeadConfig,
  LatentConfig,
  LatentFamily,
  MaskConfig,
  MatchOptions,
  ParamCount,
  PresetName,
  So2EncoderConfig,
  VaeNetConfig,
  VaeNetConfigInput,
} from './config.ts';
export { channelBatchNorm } from './batch-norm.ts';
export { L2Normalize, SoftplusShift } from './head-layers.ts';
export type { SoftplusShiftArgs } from './head-layers.ts';
export { GAUSSIAN_SCALE_FLOOR, buildEncoder, layerSeed } from './encoders.ts';
export { buildDecoder } from './decoder.ts';
export { JUDGE_PRESET_NAMES, buildJudge, judgePreset, resolveJudgeConfig, validateJudgeConfig } from './judge.ts';
export type { JudgeConfig, JudgePresetName, JudgeStage } from './judge.ts';
export { loadNet, saveNet } from './io.ts';
export { formatCount, formatSummary, summarizeModel } from './summary.ts';
export type { LayerSummary, ModelSummary } from './summary.ts';
