// The parts of the VAE network config that every encoder family shares: the
// latent, head, decoder and batch-norm types, the fields common to all
// encoders, and the validation helpers (errors name the field, e.g.
// `encoder.widths[1]`).
import { NetConfigError } from '../errors.ts';

export const PRESET_NAMES = ['default', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
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

/** The fields every encoder family has. */
export interface EncoderBase {
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

/** Input mask of the equivariant encoders (escnn MaskModule). */
export interface MaskConfig {
  margin: number;
  sigma: number;
}

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

export interface ParamCount {
  trainable: number;
  /** Batch-normalisation moving statistics. */
  nonTrainable: number;
}

export type DeepPartial<T> = T extends ReadonlyArray<infer U>
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

// ------------------------------------------------------------- validation helpers

export function fail(path: string, message: string): never {
  throw new NetConfigError(path, message);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function checkKeys(v: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(path === '' ? key : `${path}.${key}`, `unknown field; allowed here: ${allowed.join(', ')}`);
  }
}

export function int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(path, `must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

export function num(v: unknown, path: string, lo: number, hi: number, hiOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiOpen ? v >= hi : v > hi)) {
    fail(path, `must be a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A number checked by `num`, or null; the field must be present. */
export function numOrNull(v: unknown, path: string, lo: number, hi: number): number | null {
  return v === null ? null : num(v, path, lo, hi);
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, options: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    fail(path, `must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function intList(v: unknown, path: string, min: number): number[] {
  if (!Array.isArray(v) || v.length === 0) fail(path, `must be a non-empty list of integers, got ${JSON.stringify(v)}`);
  return v.map((x, i) => int(x, `${path}[${i}]`, min));
}

export function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(path, `must be an object, got ${JSON.stringify(v)}`);
  return v;
}

// ------------------------------------------------------------- shared sections

export const ACTIVATIONS = ['relu', 'elu'] as const;

export function validateLatent(v: unknown, path: string): LatentConfig {
  const l = record(v, path);
  checkKeys(l, ['family', 'dim', 'kappaInit'], path);
  const family = oneOf(l.family, ['vmf', 'normal'] as const, `${path}.family`);
  const kappaInit = numOrNull(l.kappaInit, `${path}.kappaInit`, 1.01, 1e6);
  if (kappaInit !== null && family !== 'vmf') fail(`${path}.kappaInit`, "only the vMF posterior has a concentration; remove kappaInit or use family 'vmf'");
  return { family, dim: int(l.dim, `${path}.dim`, family === 'vmf' ? 2 : 1), kappaInit };
}

export function validateHead(v: unknown, path: string): HeadConfig {
  const h = record(v, path);
  checkKeys(h, ['hidden', 'activation', 'batchNorm', 'dropout'], path);
  return {
    hidden: int(h.hidden, `${path}.hidden`, 0),
    activation: oneOf(h.activation, ACTIVATIONS, `${path}.activation`),
    batchNorm: bool(h.batchNorm, `${path}.batchNorm`),
    dropout: num(h.dropout, `${path}.dropout`, 0, 1, true),
  };
}

export function validateBatchNorm(v: unknown, path: string): BatchNormConfig {
  const b = record(v, path);
  checkKeys(b, ['momentum', 'epsilon'], path);
  return { momentum: num(b.momentum, `${path}.momentum`, 0, 1, true), epsilon: num(b.epsilon, `${path}.epsilon`, 1e-12, 1) };
}

/** Fields of every encoder config; a family's `keys` come after these. */
export const ENCODER_BASE_KEYS = ['kind', 'widths', 'kernelSize', 'strides', 'padding', 'activation', 'batchNorm', 'dropout', 'head'] as const;

/** The shared fields of an encoder config at `path` (after its unknown-field check). */
export function validateEncoderBase(e: Record<string, unknown>, path: string): EncoderBase {
  const widths = intList(e.widths, `${path}.widths`, 1);
  const strides = intList(e.strides, `${path}.strides`, 1);
  if (strides.length !== widths.length) {
    fail(`${path}.strides`, `needs one stride per layer: ${widths.length} widths but ${strides.length} strides`);
  }
  const kernelSize = int(e.kernelSize, `${path}.kernelSize`, 1);
  const padding = int(e.padding, `${path}.padding`, 0, kernelSize - 1);
  return {
    widths,
    kernelSize,
    strides,
    padding,
    activation: oneOf(e.activation, ACTIVATIONS, `${path}.activation`),
    batchNorm: bool(e.batchNorm, `${path}.batchNorm`),
    dropout: num(e.dropout, `${path}.dropout`, 0, 1, true),
    head: validateHead(e.head, `${path}.head`),
  };
}

/** The equivariant encoders need an odd kernel: the rotation centre is then a pixel. */
export function requireOddKernel(kernelSize: number, path: string): void {
  if (kernelSize % 2 === 0) fail(`${path}.kernelSize`, `must be odd for the G-CNN so that the rotation centre is a pixel, got ${kernelSize}`);
}

/** The input mask of the equivariant encoders, or null (no mask). */
export function validateMask(v: unknown, path: string): MaskConfig | null {
  if (v === null) return null;
  const m = record(v, path);
  checkKeys(m, ['margin', 'sigma'], path);
  return { margin: num(m.margin, `${path}.margin`, 0, 100, true), sigma: num(m.sigma, `${path}.sigma`, 1e-6, 1e6) };
}

/** The anti-aliasing blur of the equivariant encoders (a sigma in pixels), or null (no blur). */
export function validateAntialias(v: unknown, path: string): number | null {
  return numOrNull(v, path, 0.05, 10);
}

/** Copies of the input in the rotation orbit of the equivariant encoders. */
export function validateOrbit(v: unknown, path: string): number {
  return int(v, path, 1, 8);
}

/** Parameters of the dense latent heads on `inFeatures` invariant features (shared by every family). */
export function headParams(inFeatures: number, head: HeadConfig, latent: LatentConfig): ParamCount {
  const m = latent.dim;
  let trainable = 0;
  let nonTrainable = 0;
  let width = inFeatures;
  if (head.hidden > 0) {
    trainable += inFeatures * head.hidden + head.hidden;
    if (head.batchNorm) {
      trainable += 2 * head.hidden;
      nonTrainable += 2 * head.hidden;
    }
    width = head.hidden;
  }
  trainable += width * m + m;
  trainable += latent.family === 'vmf' ? width + 1 : width * m + m;
  return { trainable, nonTrainable };
}

/** Adds the head's parameters to an encoder body's. */
export function withHead(body: ParamCount, inFeatures: number, head: HeadConfig, latent: LatentConfig): ParamCount {
  const h = headParams(inFeatures, head, latent);
  return { trainable: body.trainable + h.trainable, nonTrainable: body.nonTrainable + h.nonTrainable };
}
