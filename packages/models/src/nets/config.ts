// Typed configuration of the VAE networks (encoder, latent heads, decoder):
// the public API, re-exported from where each part lives.
//   config/common.ts     latent, head, decoder and batch-norm types; validation helpers
//   config/geometry.ts   map sizes and the geometry checks
//   config/decoder.ts    the decoder's validation and parameter count
//   config/presets.ts    the parts of each preset that all encoder families share
//   config/migrate.ts    config versions and the migration of saved configs
//   config/vae-config.ts the whole config: validation, reading, presets, partial configs
//   families/*.ts        one file per encoder family: type, presets, validation, builder, count
export { PRESET_NAMES } from './config/common.ts';
export type { ActivationName, BatchNormConfig, DecoderConfig, DeepPartial, HeadConfig, LatentConfig, LatentFamily, MaskConfig, ParamCount, PresetName } from './config/common.ts';
export { encoderMapSizes, transposedValidSize } from './config/geometry.ts';
export { countDecoderParams } from './config/decoder.ts';
export { VAE_NET_CONFIG_VERSION, migrateVaeNetConfig } from './config/migrate.ts';
export {
  cnnCounterpart,
  countEncoderParams,
  matchCnnWidths,
  readVaeNetConfig,
  resolveVaeNetConfig,
  validateVaeNetConfig,
  vaePreset,
} from './config/vae-config.ts';
export type { MatchOptions, VaeNetConfig, VaeNetConfigInput } from './config/vae-config.ts';
export { ENCODER_KINDS, EQUIVARIANT_ENCODER_KINDS } from './families/index.ts';
export type { EncoderConfig, EncoderKind, EquivariantEncoderKind } from './families/index.ts';
export { PAPER_CNN_RATIOS } from './families/cnn.ts';
export type { CnnEncoderConfig } from './families/cnn.ts';
export type { GcnnEncoderConfig } from './families/gcnn.ts';
export type { So2EncoderConfig } from './families/so2.ts';
