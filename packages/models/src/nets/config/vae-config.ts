// The whole VAE network config: validation of the current version, reading of
// saved configs (migrated from their version), presets, partial configs
// filled from a preset, and the encoder's parameter count and CNN width
// matching, dispatched to the encoder families.
import { encoderFamily, ENCODER_KINDS, type EncoderConfig, type EncoderKind } from '../families/index.ts';
import { cnnEncoderFrom, matchCnnWidthsTo, type CnnEncoderConfig, type MatchOptions } from '../families/cnn.ts';
import type { GcnnEncoderConfig } from '../families/gcnn.ts';
import type { So2EncoderConfig } from '../families/so2.ts';
import { NetConfigError } from '../errors.ts';
import {
  PRESET_NAMES,
  checkKeys,
  clone,
  fail,
  int,
  isRecord,
  oneOf,
  record,
  validateBatchNorm,
  validateLatent,
  type BatchNormConfig,
  type DecoderConfig,
  type DeepPartial,
  type LatentConfig,
  type ParamCount,
  type PresetName,
} from './common.ts';
import { validateDecoder } from './decoder.ts';
import { checkEncoderGeometry } from './geometry.ts';
import { migrateVaeNetConfig, VAE_NET_CONFIG_VERSION } from './migrate.ts';
import { SHARED_PRESETS } from './presets.ts';

export interface VaeNetConfig {
  /** Version of the config's layout (VAE_NET_CONFIG_VERSION when written by this code; see config/migrate.ts). */
  configVersion: typeof VAE_NET_CONFIG_VERSION;
  /** Odd image side (default 33); images are NHWC in [0, 1]. */
  imageSize: number;
  channels: number;
  latent: LatentConfig;
  encoder: EncoderConfig;
  decoder: DecoderConfig;
  batchNorm: BatchNormConfig;
  /** Seed of the weight initialisers (null: unseeded). */
  seed: number | null;
}

export type VaeNetConfigInput = DeepPartial<Omit<VaeNetConfig, 'encoder' | 'configVersion'>> & {
  configVersion?: number;
  encoder?: DeepPartial<CnnEncoderConfig> | DeepPartial<GcnnEncoderConfig> | DeepPartial<So2EncoderConfig>;
};

const TOP_KEYS = ['configVersion', 'imageSize', 'channels', 'latent', 'encoder', 'decoder', 'batchNorm', 'seed'] as const;

function validateEncoder(v: unknown): EncoderConfig {
  const e = record(v, 'encoder');
  const kind = oneOf(e.kind, ENCODER_KINDS, 'encoder.kind');
  return encoderFamily(kind).validate(e, 'encoder');
}

/**
 * Checks a complete config of the current version (every field present) and returns a
 * clean copy. Errors are NetConfigErrors naming the field, e.g. `encoder.widths[1]`.
 * Configs saved by earlier code are read with readVaeNetConfig.
 */
export function validateVaeNetConfig(value: unknown): VaeNetConfig {
  const c = record(value, 'config');
  checkKeys(c, TOP_KEYS, '');
  if (c.configVersion !== VAE_NET_CONFIG_VERSION) {
    fail(
      'configVersion',
      `must be ${VAE_NET_CONFIG_VERSION} (the version this code writes), got ${JSON.stringify(c.configVersion)}; ` +
        'a config saved by earlier code is read with readVaeNetConfig, which migrates it',
    );
  }
  const imageSize = int(c.imageSize, 'imageSize', 1);
  const channels = int(c.channels, 'channels', 1);
  const latent = validateLatent(c.latent, 'latent');
  const encoder = validateEncoder(c.encoder);
  const sizes = checkEncoderGeometry(imageSize, encoder, encoderFamily(encoder.kind).centredGrid);
  const decoder = validateDecoder(c.decoder, encoder, sizes);
  const batchNorm = validateBatchNorm(c.batchNorm, 'batchNorm');
  const seed = c.seed === null ? null : int(c.seed, 'seed', 0, 2 ** 31 - 1);
  return { configVersion: VAE_NET_CONFIG_VERSION, imageSize, channels, latent, encoder, decoder, batchNorm, seed };
}

/** Reads a saved config of any version (none: version 0): migrates it to the current version, then validates it. */
export function readVaeNetConfig(saved: unknown): VaeNetConfig {
  return validateVaeNetConfig(migrateVaeNetConfig(saved));
}

const presetCache = new Map<string, VaeNetConfig>();

/**
 * The `default` preset (sized for a 2-core CPU) or the `paper` preset (about
 * 800k encoder parameters), for the C_N G-CNN (`gcnn`), the SO(2)-steerable
 * CNN (`so2`) or the plain CNN (S-VAE, `cnn`). All kinds share latent,
 * decoder and geometry (config/presets.ts); each family's encoder presets are
 * in its file; the CNN widths are chosen so that its trainable parameter count
 * agrees with the C_N encoder's.
 */
export function vaePreset(name: PresetName, kind: EncoderKind): VaeNetConfig {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new NetConfigError('preset', `unknown preset ${JSON.stringify(name)}; use one of ${PRESET_NAMES.join(', ')}`);
  }
  if (!(ENCODER_KINDS as readonly string[]).includes(kind)) {
    throw new NetConfigError('encoder.kind', `unknown encoder kind ${JSON.stringify(kind)}; use one of ${ENCODER_KINDS.join(', ')}`);
  }
  const key = `${name}:${kind}`;
  let cfg = presetCache.get(key);
  if (cfg === undefined) {
    const shared = clone(SHARED_PRESETS[name]);
    cfg = validateVaeNetConfig({ configVersion: VAE_NET_CONFIG_VERSION, ...shared, encoder: encoderFamily(kind).presetEncoder(name, shared) });
    presetCache.set(key, cfg);
  }
  return clone(cfg);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return clone(base);
  if (isRecord(base) && isRecord(over)) {
    const out: Record<string, unknown> = clone(base);
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : clone(v);
    return out;
  }
  return clone(over);
}

/**
 * Fills a partial config from a preset (default `default`) and validates it. The
 * encoder kind comes from `input.encoder.kind`, else `options.kind`, else `gcnn`;
 * switching kinds starts from that kind's preset, so G-CNN-only fields are not
 * required for a CNN and vice versa (`{encoder: {kind: 'so2'}}` alone gives the
 * SO(2) encoder of the chosen preset). The fields a partial config leaves out come
 * from the preset (of the current version), not from a migration.
 */
export function resolveVaeNetConfig(input: unknown = {}, options: { preset?: PresetName; kind?: EncoderKind } = {}): VaeNetConfig {
  const partial = record(input, 'config');
  const enc = partial.encoder === undefined ? {} : record(partial.encoder, 'encoder');
  const kind = enc.kind === undefined ? (options.kind ?? 'gcnn') : oneOf(enc.kind, ENCODER_KINDS, 'encoder.kind');
  const base = vaePreset(options.preset ?? 'default', kind);
  const merged = deepMerge(base, partial) as { encoder: unknown };
  const family = encoderFamily(kind);
  if (family.adjustPartial !== undefined && isRecord(merged.encoder) && merged.encoder.kind === kind) {
    merged.encoder = family.adjustPartial(merged.encoder, enc);
  }
  return readVaeNetConfig(merged);
}

/** Parameters of the encoder that buildEncoder makes for `cfg`, counted analytically. */
export function countEncoderParams(cfg: VaeNetConfig): ParamCount {
  return encoderFamily(cfg.encoder.kind).countParams(cfg, cfg.encoder);
}

/** Channel ratios and the CNN's activation and dropout when matching widths; see families/cnn.ts. */
export type { MatchOptions };

/**
 * Widths for a plain CNN encoder whose trainable parameter count is closest to
 * that of the G-CNN encoder of `gcnn` (same geometry, head and latent), keeping
 * the channel ratios. Returns the widths, both counts and their relative
 * difference: very small G-CNNs cannot be matched, because the CNN's
 * flatten -> dense layer alone outgrows them.
 */
export function matchCnnWidths(
  gcnn: VaeNetConfig,
  options: MatchOptions = {},
): { widths: number[]; gcnnParams: number; cnnParams: number; relativeDifference: number } {
  const target = countEncoderParams(gcnn).trainable;
  const { widths, cnnParams } = matchCnnWidthsTo(target, gcnn, options);
  return { widths, gcnnParams: target, cnnParams, relativeDifference: Math.abs(cnnParams - target) / target };
}

/**
 * The S-VAE counterpart of an S-GVAE config: same image, latent, decoder and
 * geometry, a plain CNN encoder (ReLU, dropout 0.2 as in the paper unless
 * overridden) with widths from matchCnnWidths.
 */
export function cnnCounterpart(gcnn: VaeNetConfig, options: MatchOptions = {}): VaeNetConfig {
  const { widths } = matchCnnWidths(gcnn, options);
  return validateVaeNetConfig({ ...clone(gcnn), encoder: cnnEncoderFrom(gcnn.encoder, widths, options) });
}
