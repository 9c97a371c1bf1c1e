// Typed configuration of the VAE networks (encoder, latent heads, decoder),
// its presets, validation at the boundary, and analytic parameter counts
// (used to size the plain CNN so that it matches the G-CNN).
import { assertCentredGrid, convOutputSize, isCentredGrid, suggestCentredSizes } from '../equivariant/spatial.ts';
import { steerableBasis } from '../equivariant/basis.ts';
import { NetConfigError } from './errors.ts';

export const PRESET_NAMES = ['default', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export const ENCODER_KINDS = ['cnn', 'gcnn'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];
export type LatentFamily = 'vmf' | 'normal';
export type ActivationName = 'relu' | 'elu';

export interface LatentConfig {
  /** `vmf`: mu on the unit sphere S^{dim-1} and a concentration kappa; `normal`: a diagonal Gaussian. */
  family: LatentFamily;
  /** Ambient dimension m of the latent vector (mu has m entries; the sphere is S^{m-1}). */
  dim: number;
}

export interface HeadConfig {
  /** Units of the shared hidden layer before the two heads; 0 puts the heads directly on the features. */
  hidden: number;
  activation: ActivationName;
  batchNorm: boolean;
  dropout: number;
}

export interface BatchNormConfig {
  /** Weight of the old value in the moving averages (Keras convention; PyTorch's default 0.1 is 0.9 here). */
  momentum: number;
  epsilon: number;
}

interface EncoderBase {
  /** Channels (cnn) or regular fields (gcnn) of each convolution. */
  widths: number[];
  kernelSize: number;
  /** One stride per convolution. */
  strides: number[];
  /** Symmetric zero padding of every convolution. */
  padding: number;
  activation: ActivationName;
  batchNorm: boolean;
  dropout: number;
  head: HeadConfig;
}

export interface CnnEncoderConfig extends EncoderBase {
  kind: 'cnn';
}

export interface MaskConfig {
  margin: number;
  sigma: number;
}

export interface GcnnEncoderConfig extends EncoderBase {
  kind: 'gcnn';
  /** Order of the rotation group C_N. */
  N: number;
  /** Cap on the angular frequency of the steerable basis (null: escnn's per-ring defaults). */
  maxFrequency: number | null;
  /** Input mask (escnn MaskModule); null disables it. */
  mask: MaskConfig | null;
  groupPooling: 'max' | 'mean';
  spatialPooling: 'mean' | 'max';
  dropoutMode: 'pointwise' | 'field';
}

export type EncoderConfig = CnnEncoderConfig | GcnnEncoderConfig;

export interface DecoderConfig {
  /**
   * widths[0]: channels of the dense layer's output reshaped to the last encoder map;
   * widths[i > 0]: channels after the i-th transposed convolution. The last transposed
   * convolution gives the image channels (Bernoulli logits). One entry per encoder layer.
   */
  widths: number[];
  kernelSize: number;
  activation: ActivationName;
  batchNorm: boolean;
  dropout: number;
}

export interface VaeNetConfig {
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

export type DeepPartial<T> = T extends ReadonlyArray<infer U>
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

export type VaeNetConfigInput = DeepPartial<Omit<VaeNetConfig, 'encoder'>> & {
  encoder?: DeepPartial<CnnEncoderConfig> | DeepPartial<GcnnEncoderConfig>;
};

// ---------------------------------------------------------------- presets

const BN: BatchNormConfig = { momentum: 0.9, epsilon: 1e-5 };

// default: C8 with 8/16/16 regular fields (64/128/128 channels), the size of
// the escnn reference runs in stack-notes. A group convolution costs what a
// plain convolution with N x fields channels costs, so this encoder is several
// times the S-VAE's FLOPs at equal parameters (bench/models.bench.ts measures
// both). paper: C8 with 48/64/96 fields, about 800k encoder parameters like the
// paper's escnn encoder; meant for a GPU.
const DEFAULT_GCNN: VaeNetConfig = {
  imageSize: 33,
  channels: 1,
  latent: { family: 'vmf', dim: 6 },
  encoder: {
    kind: 'gcnn',
    N: 8,
    widths: [8, 16, 16],
    kernelSize: 5,
    strides: [2, 1, 2],
    padding: 2,
    activation: 'elu',
    batchNorm: true,
    dropout: 0.1,
    dropoutMode: 'pointwise',
    maxFrequency: null,
    mask: { margin: 0, sigma: 2 },
    groupPooling: 'max',
    spatialPooling: 'mean',
    head: { hidden: 32, activation: 'elu', batchNorm: true, dropout: 0.2 },
  },
  decoder: { widths: [64, 32, 16], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0.2 },
  batchNorm: BN,
  seed: null,
};

const PAPER_GCNN: VaeNetConfig = {
  ...DEFAULT_GCNN,
  encoder: {
    ...(DEFAULT_GCNN.encoder as GcnnEncoderConfig),
    widths: [48, 64, 96],
    head: { hidden: 64, activation: 'elu', batchNorm: true, dropout: 0.2 },
  },
  decoder: { widths: [128, 64, 32], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0.2 },
};

/** Channel ratios of the paper's S-VAE encoder (128/128/64), scaled to match a G-CNN. */
export const PAPER_CNN_RATIOS: readonly number[] = [2, 2, 1];

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const presetCache = new Map<string, VaeNetConfig>();

/**
 * The `default` preset (sized for a 2-core CPU) or the `paper` preset (about
 * 800k encoder parameters), for the G-CNN (S-GVAE) or the plain CNN (S-VAE).
 * Both kinds share latent, decoder and geometry; the CNN widths are chosen by
 * matchCnnWidths so that the encoders' trainable parameter counts agree.
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
    const g = name === 'default' ? DEFAULT_GCNN : PAPER_GCNN;
    cfg = kind === 'gcnn' ? validateVaeNetConfig(clone(g)) : cnnCounterpart(g);
    presetCache.set(key, cfg);
  }
  return clone(cfg);
}

// ------------------------------------------------------------- validation

function fail(path: string, message: string): never {
  throw new NetConfigError(path, message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(v: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(path === '' ? key : `${path}.${key}`, `unknown field; allowed here: ${allowed.join(', ')}`);
  }
}

function int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(path, `must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function num(v: unknown, path: string, lo: number, hi: number, hiOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiOpen ? v >= hi : v > hi)) {
    fail(path, `must be a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    fail(path, `must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function intList(v: unknown, path: string, min: number): number[] {
  if (!Array.isArray(v) || v.length === 0) fail(path, `must be a non-empty list of integers, got ${JSON.stringify(v)}`);
  return v.map((x, i) => int(x, `${path}[${i}]`, min));
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(path, `must be an object, got ${JSON.stringify(v)}`);
  return v;
}

function validateHead(v: unknown, path: string): HeadConfig {
  const h = record(v, path);
  checkKeys(h, ['hidden', 'activation', 'batchNorm', 'dropout'], path);
  return {
    hidden: int(h.hidden, `${path}.hidden`, 0),
    activation: oneOf(h.activation, ['relu', 'elu'] as const, `${path}.activation`),
    batchNorm: bool(h.batchNorm, `${path}.batchNorm`),
    dropout: num(h.dropout, `${path}.dropout`, 0, 1, true),
  };
}

const ENCODER_BASE_KEYS = ['kind', 'widths', 'kernelSize', 'strides', 'padding', 'activation', 'batchNorm', 'dropout', 'head'] as const;
const GCNN_KEYS = [...ENCODER_BASE_KEYS, 'N', 'maxFrequency', 'mask', 'groupPooling', 'spatialPooling', 'dropoutMode'] as const;

function validateEncoder(v: unknown): EncoderConfig {
  const e = record(v, 'encoder');
  const kind = oneOf(e.kind, ENCODER_KINDS, 'encoder.kind');
  checkKeys(e, kind === 'gcnn' ? GCNN_KEYS : ENCODER_BASE_KEYS, 'encoder');
  const widths = intList(e.widths, 'encoder.widths', 1);
  const strides = intList(e.strides, 'encoder.strides', 1);
  if (strides.length !== widths.length) {
    fail('encoder.strides', `needs one stride per layer: ${widths.length} widths but ${strides.length} strides`);
  }
  const kernelSize = int(e.kernelSize, 'encoder.kernelSize', 1);
  const padding = int(e.padding, 'encoder.padding', 0, kernelSize - 1);
  const base = {
    widths,
    kernelSize,
    strides,
    padding,
    activation: oneOf(e.activation, ['relu', 'elu'] as const, 'encoder.activation'),
    batchNorm: bool(e.batchNorm, 'encoder.batchNorm'),
    dropout: num(e.dropout, 'encoder.dropout', 0, 1, true),
    head: validateHead(e.head, 'encoder.head'),
  };
  if (kind === 'cnn') return { kind, ...base };
  if (kernelSize % 2 === 0) fail('encoder.kernelSize', `must be odd for the G-CNN so that the rotation centre is a pixel, got ${kernelSize}`);
  let mask: MaskConfig | null = null;
  if (e.mask !== null) {
    const m = record(e.mask, 'encoder.mask');
    checkKeys(m, ['margin', 'sigma'], 'encoder.mask');
    mask = { margin: num(m.margin, 'encoder.mask.margin', 0, 100, true), sigma: num(m.sigma, 'encoder.mask.sigma', 1e-6, 1e6) };
  }
  const maxFrequency = e.maxFrequency === null ? null : int(e.maxFrequency, 'encoder.maxFrequency', 0);
  return {
    kind,
    ...base,
    N: int(e.N, 'encoder.N', 1, 64),
    maxFrequency,
    mask,
    groupPooling: oneOf(e.groupPooling, ['max', 'mean'] as const, 'encoder.groupPooling'),
    spatialPooling: oneOf(e.spatialPooling, ['mean', 'max'] as const, 'encoder.spatialPooling'),
    dropoutMode: oneOf(e.dropoutMode, ['pointwise', 'field'] as const, 'encoder.dropoutMode'),
  };
}

/** Output side of tfjs-layers' conv2dTranspose with 'valid' padding (before cropping). */
export function transposedValidSize(inputSize: number, kernelSize: number, stride: number): number {
  return inputSize * stride + Math.max(kernelSize - stride, 0);
}

/** Map sides [imageSize, after layer 1, ..., after layer L] of an encoder. */
export function encoderMapSizes(imageSize: number, encoder: Pick<EncoderBase, 'kernelSize' | 'strides' | 'padding'>): number[] {
  const sizes = [imageSize];
  for (const stride of encoder.strides) {
    sizes.push(convOutputSize({ inputSize: sizes[sizes.length - 1]!, kernelSize: encoder.kernelSize, stride, padding: encoder.padding }));
  }
  return sizes;
}

function checkGeometry(imageSize: number, encoder: EncoderConfig): number[] {
  const sizes = encoderMapSizes(imageSize, encoder);
  sizes.forEach((s, i) => {
    if (s < 1) fail(`encoder.strides[${i - 1}]`, `the map shrinks to ${s}x${s}; use a larger image, smaller strides or more padding`);
  });
  if (encoder.kind === 'gcnn') {
    const layers = encoder.strides.map((stride) => ({ kernelSize: encoder.kernelSize, stride, padding: encoder.padding }));
    for (let i = 0; i < layers.length; i++) {
      const g = { ...layers[i]!, inputSize: sizes[i]! };
      if (!isCentredGrid(g)) {
        const path = i === 0 ? 'imageSize' : `encoder.strides[${i}]`;
        let message = '';
        try {
          assertCentredGrid(g, `layer ${i + 1}`);
        } catch (err) {
          message = (err as Error).message;
        }
        const nearby = suggestCentredSizes(imageSize, layers);
        fail(
          path,
          `the rotation centre must stay on a sample at every layer (exact 90-degree equivariance): ${message}` +
            (nearby.length > 0 ? `. Image sizes that work with these kernels and strides: ${nearby.join(', ')}` : ''),
        );
      }
    }
  }
  return sizes;
}

function validateDecoder(v: unknown, encoder: EncoderConfig, sizes: number[]): DecoderConfig {
  const d = record(v, 'decoder');
  checkKeys(d, ['widths', 'kernelSize', 'activation', 'batchNorm', 'dropout'], 'decoder');
  const widths = intList(d.widths, 'decoder.widths', 1);
  if (widths.length !== encoder.widths.length) {
    fail('decoder.widths', `needs one width per encoder layer (${encoder.widths.length}), got ${widths.length}`);
  }
  const kernelSize = int(d.kernelSize, 'decoder.kernelSize', 1);
  const L = encoder.strides.length;
  for (let i = 0; i < L; i++) {
    const from = sizes[L - i]!;
    const to = sizes[L - i - 1]!;
    const stride = encoder.strides[L - 1 - i]!;
    if (transposedValidSize(from, kernelSize, stride) < to) {
      fail(
        'decoder.kernelSize',
        `transposed convolution ${i + 1} (stride ${stride}) cannot grow ${from}x${from} to ${to}x${to} with kernel ${kernelSize}; use a kernel of at least ${to - (from - 1) * stride}`,
      );
    }
  }
  return {
    widths,
    kernelSize,
    activation: oneOf(d.activation, ['relu', 'elu'] as const, 'decoder.activation'),
    batchNorm: bool(d.batchNorm, 'decoder.batchNorm'),
    dropout: num(d.dropout, 'decoder.dropout', 0, 1, true),
  };
}

/**
 * Checks a complete config (every field present) and returns a clean copy.
 * Errors are NetConfigErrors naming the field, e.g. `encoder.widths[1]`.
 */
export function validateVaeNetConfig(value: unknown): VaeNetConfig {
  const c = record(value, 'config');
  checkKeys(c, ['imageSize', 'channels', 'latent', 'encoder', 'decoder', 'batchNorm', 'seed'], '');
  const imageSize = int(c.imageSize, 'imageSize', 1);
  const channels = int(c.channels, 'channels', 1);
  const l = record(c.latent, 'latent');
  checkKeys(l, ['family', 'dim'], 'latent');
  const family = oneOf(l.family, ['vmf', 'normal'] as const, 'latent.family');
  const latent = { family, dim: int(l.dim, 'latent.dim', family === 'vmf' ? 2 : 1) };
  const encoder = validateEncoder(c.encoder);
  const sizes = checkGeometry(imageSize, encoder);
  const decoder = validateDecoder(c.decoder, encoder, sizes);
  const b = record(c.batchNorm, 'batchNorm');
  checkKeys(b, ['momentum', 'epsilon'], 'batchNorm');
  const batchNorm = { momentum: num(b.momentum, 'batchNorm.momentum', 0, 1, true), epsilon: num(b.epsilon, 'batchNorm.epsilon', 1e-12, 1) };
  const seed = c.seed === null || c.seed === undefined ? null : int(c.seed, 'seed', 0, 2 ** 31 - 1);
  return { imageSize, channels, latent, encoder, decoder, batchNorm, seed };
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
 * required for a CNN and vice versa.
 */
export function resolveVaeNetConfig(input: unknown = {}, options: { preset?: PresetName; kind?: EncoderKind } = {}): VaeNetConfig {
  const partial = record(input, 'config');
  const enc = partial.encoder === undefined ? {} : record(partial.encoder, 'encoder');
  const kind = enc.kind === undefined ? (options.kind ?? 'gcnn') : oneOf(enc.kind, ENCODER_KINDS, 'encoder.kind');
  const base = vaePreset(options.preset ?? 'default', kind);
  return validateVaeNetConfig(deepMerge(base, partial));
}

// ------------------------------------------------------- parameter counts

export interface ParamCount {
  trainable: number;
  /** Batch-normalisation moving statistics. */
  nonTrainable: number;
}

function headParams(inFeatures: number, cfg: VaeNetConfig): ParamCount {
  const h = cfg.encoder.head;
  const m = cfg.latent.dim;
  let trainable = 0;
  let nonTrainable = 0;
  let width = inFeatures;
  if (h.hidden > 0) {
    trainable += inFeatures * h.hidden + h.hidden;
    if (h.batchNorm) {
      trainable += 2 * h.hidden;
      nonTrainable += 2 * h.hidden;
    }
    width = h.hidden;
  }
  trainable += width * m + m;
  trainable += cfg.latent.family === 'vmf' ? width + 1 : width * m + m;
  return { trainable, nonTrainable };
}

/** Parameters of the encoder that buildEncoder makes for `cfg`, counted analytically. */
export function countEncoderParams(cfg: VaeNetConfig): ParamCount {
  const e = cfg.encoder;
  let trainable = 0;
  let nonTrainable = 0;
  const bn = (c: number): void => {
    if (e.batchNorm) {
      trainable += 2 * c;
      nonTrainable += 2 * c;
    }
  };
  if (e.kind === 'gcnn') {
    const nB = steerableBasis(e.kernelSize, e.maxFrequency === null ? {} : { maxFrequency: e.maxFrequency }).elements.length;
    let fin = cfg.channels;
    let perField = 1;
    for (const f of e.widths) {
      trainable += nB * perField * fin * f + f;
      bn(f);
      fin = f;
      perField = e.N;
    }
    const head = headParams(fin, cfg);
    return { trainable: trainable + head.trainable, nonTrainable: nonTrainable + head.nonTrainable };
  }
  let cin = cfg.channels;
  for (const c of e.widths) {
    trainable += e.kernelSize * e.kernelSize * cin * c + c;
    bn(c);
    cin = c;
  }
  const last = encoderMapSizes(cfg.imageSize, e).at(-1)!;
  const head = headParams(last * last * cin, cfg);
  return { trainable: trainable + head.trainable, nonTrainable: nonTrainable + head.nonTrainable };
}

/** Parameters of the decoder that buildDecoder makes for `cfg`, counted analytically. */
export function countDecoderParams(cfg: VaeNetConfig): ParamCount {
  const d = cfg.decoder;
  const last = encoderMapSizes(cfg.imageSize, cfg.encoder).at(-1)!;
  let trainable = 0;
  let nonTrainable = 0;
  const bn = (c: number): void => {
    if (d.batchNorm) {
      trainable += 2 * c;
      nonTrainable += 2 * c;
    }
  };
  const units = last * last * d.widths[0]!;
  trainable += cfg.latent.dim * units + units;
  bn(d.widths[0]!);
  const k2 = d.kernelSize * d.kernelSize;
  for (let i = 0; i < d.widths.length; i++) {
    const cin = d.widths[i]!;
    const cout = i + 1 < d.widths.length ? d.widths[i + 1]! : cfg.channels;
    trainable += k2 * cin * cout + cout;
    if (i + 1 < d.widths.length) bn(cout);
  }
  return { trainable, nonTrainable };
}

export interface MatchOptions {
  /** Relative channel widths of the CNN layers (default the paper's 2:2:1, truncated or padded to the depth). */
  ratios?: readonly number[];
  activation?: ActivationName;
  dropout?: number;
}

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
  const depth = gcnn.encoder.widths.length;
  const base = options.ratios ?? PAPER_CNN_RATIOS;
  const ratios = Array.from({ length: depth }, (_, i) => base[Math.min(i, base.length - 1)]!);
  const minRatio = Math.min(...ratios);
  const make = (scale: number): VaeNetConfig => ({
    ...gcnn,
    encoder: cnnEncoderFrom(gcnn, ratios.map((r) => Math.max(1, Math.round((r / minRatio) * scale))), options),
  });
  let best = { scale: 1, diff: Infinity, params: 0 };
  for (let scale = 1; scale <= 4096; scale++) {
    const params = countEncoderParams(make(scale)).trainable;
    const diff = Math.abs(params - target);
    if (diff < best.diff) best = { scale, diff, params };
    if (params > target) break;
  }
  return { widths: make(best.scale).encoder.widths, gcnnParams: target, cnnParams: best.params, relativeDifference: best.diff / target };
}

function cnnEncoderFrom(gcnn: VaeNetConfig, widths: number[], options: MatchOptions): CnnEncoderConfig {
  const e = gcnn.encoder;
  return {
    kind: 'cnn',
    widths,
    kernelSize: e.kernelSize,
    strides: [...e.strides],
    padding: e.padding,
    activation: options.activation ?? 'relu',
    batchNorm: e.batchNorm,
    dropout: options.dropout ?? 0.2,
    head: { ...e.head },
  };
}

/**
 * The S-VAE counterpart of an S-GVAE config: same image, latent, decoder and
 * geometry, a plain CNN encoder (ReLU, dropout 0.2 as in the paper unless
 * overridden) with widths from matchCnnWidths.
 */
export function cnnCounterpart(gcnn: VaeNetConfig, options: MatchOptions = {}): VaeNetConfig {
  const { widths } = matchCnnWidths(gcnn, options);
  return validateVaeNetConfig({ ...clone(gcnn), encoder: cnnEncoderFrom(gcnn, widths, options) });
}
