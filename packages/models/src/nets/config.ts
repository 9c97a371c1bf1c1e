// Typed configuration of the VAE networks (encoder, latent heads, decoder),
// its presets, validation at the boundary, and analytic parameter counts
// (used to size the plain CNN so that it matches the G-CNN).
import { assertCentredGrid, convOutputSize, isCentredGrid, suggestCentredSizes } from '../equivariant/spatial.ts';
import { steerableBasis } from '../equivariant/basis.ts';
import { fieldFrequencies, so2BasisSize } from '../equivariant/so2-basis.ts';
import { defaultRingCount } from '../equivariant/ring-pooling.ts';
import { alignedFeatureCount, referenceWeightCount, spectrumFeatureCount } from '../equivariant/spectrum-pooling.ts';
import { NetConfigError } from './errors.ts';

export const PRESET_NAMES = ['default', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/**
 * Encoder families: `cnn` is the plain CNN (S-VAE); `gcnn` the C_N group CNN on regular
 * fields (the `cn` family; the name is kept because saved configs and stage params use it);
 * `so2` the SO(2)-steerable CNN on band-limited Fourier fields (the paper's escnn encoder).
 */
export const ENCODER_KINDS = ['cnn', 'gcnn', 'so2'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];
/** The rotation-equivariant encoder families (S-GVAE): C_N and SO(2). */
export const EQUIVARIANT_ENCODER_KINDS = ['gcnn', 'so2'] as const;
export type EquivariantEncoderKind = (typeof EQUIVARIANT_ENCODER_KINDS)[number];
export type LatentFamily = 'vmf' | 'normal';
export type ActivationName = 'relu' | 'elu';

export interface LatentConfig {
  /** `vmf`: mu on the unit sphere S^{dim-1} and a concentration kappa; `normal`: a diagonal Gaussian. */
  family: LatentFamily;
  /** Ambient dimension m of the latent vector (mu has m entries; the sphere is S^{m-1}). */
  dim: number;
  /**
   * vMF only: the concentration kappa the encoder starts from (the bias of the kappa head);
   * null: softplus(0) + 1 = 1.69, a posterior almost as wide as the sphere.
   */
  kappaInit: number | null;
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
  /** Channels (cnn), regular fields (gcnn) or Fourier fields (so2) of each convolution. */
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
  /**
   * Invariant map over the N orientations: `max`/`mean` per position (escnn GroupPooling), or
   * `spectrum`: pool space first (`spatialPooling` mean or rings), then the magnitudes of the
   * Fourier transform along the orientations (SpectrumPooling), floor(N/2)+1 features per field.
   */
  groupPooling: 'max' | 'mean' | 'spectrum';
  /**
   * After group pooling: `mean`/`max` over the disk (one feature per field), or
   * `rings` (one feature per field and radius, see RingPooling).
   */
  spatialPooling: 'mean' | 'max' | 'rings';
  /**
   * With `groupPooling: spectrum` and `spatialPooling: rings`: angular frequencies K of the
   * ring moments (SpectrumPooling's `harmonics`), so the invariant features also say on which
   * sides of the centre the strokes lie; K (rings - 1) N more features per field. 0: ring means only.
   */
  angularHarmonics: number;
  /**
   * With `groupPooling: spectrum`: keep the phases of the Fourier coefficients, turned into
   * the frame of a learned reference of order 1 (SpectrumPooling's `align`), instead of only
   * their magnitudes: the features then say how the parts of a digit sit relative to each
   * other, not only how strong each part is.
   */
  alignPhases: boolean;
  dropoutMode: 'pointwise' | 'field';
  /** Gaussian blur (sigma, pixels of the layer's input) in front of every strided convolution; null: none (AntialiasBlur). */
  antialias: number | null;
  /**
   * Copies k of the input turned by 90 j / k degrees whose invariant features are averaged
   * (RotationOrbit / OrbitMean); 1: none. Costs k encoder passes.
   */
  orbit: number;
}

export interface So2EncoderConfig extends EncoderBase {
  kind: 'so2';
  /** Band limit L of the feature fields: SO(2) irreps of frequencies 0..L, 2L + 1 channels per field. */
  maxFrequency: number;
  /**
   * Sample angles N of the Fourier nonlinearity (FourierPointwise with `activation`): a multiple
   * of 4 (quarter turns then permute the samples exactly) and at least 2L + 1.
   */
  samples: number;
  /** Input mask (escnn MaskModule); null disables it. */
  mask: MaskConfig | null;
  /**
   * `grid`: dropout on the N samples of the Fourier nonlinearity (the counterpart of the C_N
   * encoder's pointwise dropout on orientation channels); `field`: drops whole fields.
   */
  dropoutMode: 'grid' | 'field';
  /**
   * `conv`: a 1x1 steerable convolution to `invariantFields` trivial fields (it reads the
   * frequency-0 coefficient of each field; the paper's and the escnn tutorial's tail);
   * `norm`: each field's frequency-0 coefficient and the length of each frequency pair.
   */
  invariantMap: 'conv' | 'norm';
  /** Output fields of the `conv` invariant map (ignored by `norm`). */
  invariantFields: number;
  /** Pooling of the invariant features: over the disk (`mean`, `max`) or over concentric rings (`rings`, see RingPooling). */
  spatialPooling: 'mean' | 'max' | 'rings';
  /** Gaussian blur (sigma, pixels of the layer's input) in front of every strided convolution; null: none (AntialiasBlur). */
  antialias: number | null;
  /**
   * Copies k of the input turned by 90 j / k degrees whose invariant features are averaged
   * (RotationOrbit / OrbitMean); 1: none. Costs k encoder passes.
   */
  orbit: number;
}

export type EncoderConfig = CnnEncoderConfig | GcnnEncoderConfig | So2EncoderConfig;

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
  encoder?: DeepPartial<CnnEncoderConfig> | DeepPartial<GcnnEncoderConfig> | DeepPartial<So2EncoderConfig>;
};

// ---------------------------------------------------------------- presets

const BN: BatchNormConfig = { momentum: 0.9, epsilon: 1e-5 };

// default: C8 with 8/16/16 regular fields (64/128/128 channels). A group
// convolution costs what a plain convolution with N x fields channels costs,
// so this encoder is several times the S-VAE's FLOPs at equal parameters
// (bench/models.bench.ts measures both). paper: C8 with 48/64/96 fields, about
// 800k encoder parameters like the paper's escnn encoder; meant for a GPU.
// Invariance between quarter turns, measured after two epochs on upright
// digits (mean cosine of mu over a 10-degree grid): the plain C8 encoder
// drifts (0.78 after five epochs);
// blurring before the strided layers (antialias), pooling over rings and the
// orientation spectrum keep more of the digit but still drift; averaging over
// an orbit of input turns cancels the drift's low harmonics (0.948 with 2
// copies, 0.994 with 3: 0, 30 and 60 degrees). Two angular harmonics of the
// rings let the invariant features say on which side of the centre a loop
// lies (three epochs: rotated 6s read as 6 66% against 58%, upright digits
// 78% against 74%).
// No dropout in `default`: at a CPU budget of a few epochs the models underfit,
// and dropout cost 18 nats of validation loss after two epochs (171 vs 154).
const DEFAULT_GCNN: VaeNetConfig = {
  imageSize: 33,
  channels: 1,
  latent: { family: 'vmf', dim: 6, kappaInit: null },
  encoder: {
    kind: 'gcnn',
    N: 8,
    widths: [8, 16, 16],
    kernelSize: 5,
    strides: [2, 1, 2],
    padding: 2,
    activation: 'elu',
    batchNorm: true,
    dropout: 0,
    dropoutMode: 'pointwise',
    maxFrequency: null,
    mask: { margin: 0, sigma: 2 },
    groupPooling: 'spectrum',
    spatialPooling: 'rings',
    angularHarmonics: 2,
    alignPhases: false,
    antialias: 1,
    orbit: 3,
    head: { hidden: 32, activation: 'elu', batchNorm: true, dropout: 0 },
  },
  decoder: { widths: [64, 32, 16], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0 },
  batchNorm: BN,
  seed: null,
};

/** The paper's dense heads (hidden layer with ELU, batch norm, dropout 0.2), shared by both S-GVAE encoders. */
const PAPER_HEAD: HeadConfig = { hidden: 64, activation: 'elu', batchNorm: true, dropout: 0.2 };

const PAPER_GCNN: VaeNetConfig = {
  ...DEFAULT_GCNN,
  encoder: {
    ...(DEFAULT_GCNN.encoder as GcnnEncoderConfig),
    widths: [48, 64, 96],
    dropout: 0.1,
    // Group max per ring keeps the encoder near the paper's 800k parameters
    // (the spectrum would multiply the head's input by 5).
    groupPooling: 'max',
    angularHarmonics: 0,
    alignPhases: false,
    head: PAPER_HEAD,
  },
  decoder: { widths: [128, 64, 32], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0.2 },
};

// SO(2) encoders (escnn's SO(2) design). Fields carry the irreps of
// frequencies 0..L with L = 3 (7 channels per field) and the Fourier ELU
// samples them at N = 16 angles, the escnn tutorial's choice: at L = 3 the
// aliasing error of the nonlinearity at random angles is about 0.6% (1.6% at
// N = 12, 12% at N = 8; so2-fourier-pointwise.spec.ts measures it). The paper
// states frequency 6 with kernel 4; on a kernel-4 grid escnn keeps one usable
// ring (cut-off 2), about 59 basis elements per field pair at L = 6, while
// kernel 5 has three rings and 65 elements at L = 3 (counts from escnn's
// rules; the kernel-4 one is not run here): the two encoders have about the
// same size (64/64/128 fields: 813,959 parameters here, about 800k in the
// paper). Kernel 4 cannot keep the rotation centre on the grid, so kernel 5
// with padding 2 it is (33 -> 17 -> 17 -> 9 as the C_N presets).
// default: 8/16/16 fields (56/112/112 channels), a training step at batch
// 100 close to the default C8 encoder's (bench/models.bench.ts).
const DEFAULT_SO2: VaeNetConfig = {
  ...DEFAULT_GCNN,
  encoder: {
    kind: 'so2',
    widths: [8, 16, 16],
    kernelSize: 5,
    strides: [2, 1, 2],
    padding: 2,
    activation: 'elu',
    batchNorm: true,
    dropout: 0,
    dropoutMode: 'grid',
    maxFrequency: 3,
    samples: 16,
    mask: { margin: 0, sigma: 2 },
    invariantMap: 'conv',
    invariantFields: 32,
    spatialPooling: 'rings',
    antialias: 1,
    orbit: 1,
    head: { hidden: 32, activation: 'elu', batchNorm: true, dropout: 0 },
  },
};

const PAPER_SO2: VaeNetConfig = {
  ...PAPER_GCNN,
  encoder: {
    ...(DEFAULT_SO2.encoder as So2EncoderConfig),
    widths: [64, 64, 128],
    // The paper's encoder as published: dropout 0.1, mean pooling, no blur.
    dropout: 0.1,
    spatialPooling: 'mean',
    antialias: null,
    invariantFields: 64,
    head: PAPER_HEAD,
  },
};

/** Channel ratios of the paper's S-VAE encoder (128/128/64), scaled to match a G-CNN. */
export const PAPER_CNN_RATIOS: readonly number[] = [2, 2, 1];

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const presetCache = new Map<string, VaeNetConfig>();

/**
 * The `default` preset (sized for a 2-core CPU) or the `paper` preset (about
 * 800k encoder parameters), for the C_N G-CNN (`gcnn`), the SO(2)-steerable
 * CNN (`so2`) or the plain CNN (S-VAE, `cnn`). All kinds share latent,
 * decoder and geometry; the CNN widths are chosen by matchCnnWidths so that
 * its trainable parameter count agrees with the C_N encoder's.
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
    if (kind === 'so2') cfg = validateVaeNetConfig(clone(name === 'default' ? DEFAULT_SO2 : PAPER_SO2));
    else cfg = kind === 'gcnn' ? validateVaeNetConfig(clone(g)) : cnnCounterpart(g, name === 'default' ? { dropout: 0 } : {});
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
const GCNN_KEYS = [...ENCODER_BASE_KEYS, 'N', 'maxFrequency', 'mask', 'groupPooling', 'spatialPooling', 'angularHarmonics', 'alignPhases', 'dropoutMode', 'antialias', 'orbit'] as const;

const SO2_KEYS = [...ENCODER_BASE_KEYS, 'maxFrequency', 'samples', 'mask', 'dropoutMode', 'invariantMap', 'invariantFields', 'spatialPooling', 'antialias', 'orbit'] as const;

function validateSo2Fields(e: Record<string, unknown>, mask: MaskConfig | null): Omit<So2EncoderConfig, keyof EncoderBase | 'kind'> {
  const L = int(e.maxFrequency, 'encoder.maxFrequency', 0, 16);
  const samples = int(e.samples, 'encoder.samples', 1, 1024);
  if (samples % 4 !== 0 || samples < 2 * L + 1) {
    fail(
      'encoder.samples',
      `must be a multiple of 4 (so that quarter turns permute the samples exactly) and at least 2L + 1 = ${2 * L + 1} for L = ${L}, got ${samples}; ` +
        '16 keeps the aliasing error of the Fourier ELU under about 1% at L = 3',
    );
  }
  return {
    maxFrequency: L,
    samples,
    mask,
    dropoutMode: oneOf(e.dropoutMode, ['grid', 'field'] as const, 'encoder.dropoutMode'),
    invariantMap: oneOf(e.invariantMap, ['conv', 'norm'] as const, 'encoder.invariantMap'),
    invariantFields: int(e.invariantFields, 'encoder.invariantFields', 1),
    spatialPooling: oneOf(e.spatialPooling, ['mean', 'max', 'rings'] as const, 'encoder.spatialPooling'),
    antialias: antialiasSigma(e.antialias),
    orbit: e.orbit === undefined ? 1 : int(e.orbit, 'encoder.orbit', 1, 8),
  };
}

/** The optional anti-aliasing blur; absent in configs saved before the option existed, which were built without it. */
function antialiasSigma(v: unknown): number | null {
  return v === undefined || v === null ? null : num(v, 'encoder.antialias', 0.05, 10);
}

function validateEncoder(v: unknown): EncoderConfig {
  const e = record(v, 'encoder');
  const kind = oneOf(e.kind, ENCODER_KINDS, 'encoder.kind');
  checkKeys(e, kind === 'gcnn' ? GCNN_KEYS : kind === 'so2' ? SO2_KEYS : ENCODER_BASE_KEYS, 'encoder');
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
  if (kind === 'so2') return { kind, ...base, ...validateSo2Fields(e, mask) };
  const maxFrequency = e.maxFrequency === null ? null : int(e.maxFrequency, 'encoder.maxFrequency', 0);
  if (e.groupPooling === 'spectrum' && e.spatialPooling === 'max') {
    fail('encoder.spatialPooling', "the spectrum invariant map pools space by a weighted mean first; use 'mean' or 'rings' with groupPooling 'spectrum'");
  }
  // Absent in configs saved before the option existed: ring means only.
  const angularHarmonics = e.angularHarmonics === undefined ? 0 : int(e.angularHarmonics, 'encoder.angularHarmonics', 0, 8);
  if (angularHarmonics > 0 && (e.groupPooling !== 'spectrum' || e.spatialPooling !== 'rings')) {
    fail('encoder.angularHarmonics', "angular harmonics are moments of the rings of the spectrum invariant map; use groupPooling 'spectrum' and spatialPooling 'rings', or set angularHarmonics to 0");
  }
  // Absent in configs saved before the option existed: magnitudes only.
  const alignPhases = e.alignPhases === undefined ? false : bool(e.alignPhases, 'encoder.alignPhases');
  if (alignPhases && e.groupPooling !== 'spectrum') {
    fail('encoder.alignPhases', "phase alignment turns the Fourier coefficients of the spectrum invariant map; use groupPooling 'spectrum', or set alignPhases to false");
  }
  return {
    kind,
    ...base,
    N: int(e.N, 'encoder.N', 1, 64),
    maxFrequency,
    mask,
    groupPooling: oneOf(e.groupPooling, ['max', 'mean', 'spectrum'] as const, 'encoder.groupPooling'),
    spatialPooling: oneOf(e.spatialPooling, ['mean', 'max', 'rings'] as const, 'encoder.spatialPooling'),
    angularHarmonics,
    alignPhases,
    dropoutMode: oneOf(e.dropoutMode, ['pointwise', 'field'] as const, 'encoder.dropoutMode'),
    // Absent in configs saved before the option existed: no blur, as those models were built.
    antialias: antialiasSigma(e.antialias),
    orbit: e.orbit === undefined ? 1 : int(e.orbit, 'encoder.orbit', 1, 8),
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
  if (encoder.kind !== 'cnn') {
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
  checkKeys(l, ['family', 'dim', 'kappaInit'], 'latent');
  const family = oneOf(l.family, ['vmf', 'normal'] as const, 'latent.family');
  // Absent in configs saved before the option existed: the kappa head starts at bias 0.
  const kappaInit = l.kappaInit === undefined || l.kappaInit === null ? null : num(l.kappaInit, 'latent.kappaInit', 1.01, 1e6);
  if (kappaInit !== null && family !== 'vmf') fail('latent.kappaInit', "only the vMF posterior has a concentration; remove kappaInit or use family 'vmf'");
  const latent = { family, dim: int(l.dim, 'latent.dim', family === 'vmf' ? 2 : 1), kappaInit };
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
 * required for a CNN and vice versa (`{encoder: {kind: 'so2'}}` alone gives the
 * SO(2) encoder of the chosen preset).
 */
export function resolveVaeNetConfig(input: unknown = {}, options: { preset?: PresetName; kind?: EncoderKind } = {}): VaeNetConfig {
  const partial = record(input, 'config');
  const enc = partial.encoder === undefined ? {} : record(partial.encoder, 'encoder');
  const kind = enc.kind === undefined ? (options.kind ?? 'gcnn') : oneOf(enc.kind, ENCODER_KINDS, 'encoder.kind');
  const base = vaePreset(options.preset ?? 'default', kind);
  const merged = deepMerge(base, partial) as { encoder: unknown };
  // A preset's angular harmonics belong to its ring spectrum: a partial config that switches
  // the pooling away from it without naming angularHarmonics gets none (naming it still errors).
  const e = merged.encoder as Partial<GcnnEncoderConfig>;
  if (e.kind === 'gcnn' && enc.angularHarmonics === undefined && (e.groupPooling !== 'spectrum' || e.spatialPooling !== 'rings')) {
    merged.encoder = { ...e, angularHarmonics: 0 };
  }
  return validateVaeNetConfig(merged);
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
  if (e.kind === 'so2') {
    // One So2Conv2D per layer (S basis elements per pair of fields, one bias per output field),
    // So2BatchNorm with L + 2 trainable and L + 2 moving values per field, then the invariant map.
    const L = e.maxFrequency;
    const freqs = fieldFrequencies(L);
    let inFreqs = fieldFrequencies(null);
    let fin = cfg.channels;
    for (const f of e.widths) {
      trainable += so2BasisSize(e.kernelSize, inFreqs, freqs) * fin * f + f;
      if (e.batchNorm) {
        trainable += (L + 2) * f;
        nonTrainable += (L + 2) * f;
      }
      fin = f;
      inFreqs = freqs;
    }
    let features = fin * (L + 1);
    if (e.invariantMap === 'conv') {
      features = e.invariantFields;
      trainable += so2BasisSize(1, freqs, fieldFrequencies(null)) * fin * features + features;
    }
    const rings = e.spatialPooling === 'rings' ? defaultRingCount(encoderMapSizes(cfg.imageSize, e).at(-1)!) : 1;
    const head = headParams(features * rings, cfg);
    return { trainable: trainable + head.trainable, nonTrainable: nonTrainable + head.nonTrainable };
  }
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
    const rings = e.spatialPooling === 'rings' ? defaultRingCount(encoderMapSizes(cfg.imageSize, e).at(-1)!) : 1;
    const featuresPerField =
      e.groupPooling !== 'spectrum' ? rings : e.alignPhases ? alignedFeatureCount(e.N, rings, e.angularHarmonics) : spectrumFeatureCount(e.N, rings, e.angularHarmonics);
    // Phase alignment learns one weight per coefficient of order +-1 (its reference).
    if (e.groupPooling === 'spectrum' && e.alignPhases) trainable += referenceWeightCount(e.N, fin, rings, e.angularHarmonics);
    const head = headParams(fin * featuresPerField, cfg);
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
