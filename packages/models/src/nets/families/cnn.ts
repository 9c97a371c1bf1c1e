// The plain CNN encoder (`cnn`, the S-VAE's): its config, presets (widths
// matched to the C_N encoder's parameter count), validation, builder and
// parameter count.
//   plain convs (BN, ReLU, dropout) -> flatten -> dense heads.
import { layers, input, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { convOutputSize } from '../../equivariant/spatial.ts';
import { DeviceDropout } from '../../random/device-dropout.ts';
import { channelBatchNorm } from '../batch-norm.ts';
import { ENCODER_BASE_KEYS, checkKeys, validateEncoderBase, withHead, type ActivationName, type EncoderBase, type ParamCount, type PresetName } from '../config/common.ts';
import { encoderMapSizes } from '../config/geometry.ts';
import { VAE_NET_CONFIG_VERSION } from '../config/migrate.ts';
import type { VaeNetConfig } from '../config/vae-config.ts';
import { apply, latentHeads, layerSeed, paddedConv } from '../encoder-parts.ts';
import type { EncoderFamily, SharedPreset } from './family.ts';
import { GCNN_FAMILY } from './gcnn.ts';

export interface CnnEncoderConfig extends EncoderBase {
  kind: 'cnn';
}

export interface MatchOptions {
  /** Relative channel widths of the CNN layers (default the paper's 2:2:1, truncated or padded to the depth). */
  ratios?: readonly number[];
  activation?: ActivationName;
  dropout?: number;
}

/** Channel ratios of the paper's S-VAE encoder (128/128/64), scaled to match a G-CNN. */
export const PAPER_CNN_RATIOS: readonly number[] = [2, 2, 1];

// ---------------------------------------------------------------- presets

/**
 * A CNN preset: the geometry, head, latent and decoder of the C_N preset of the same name,
 * widths in the paper's ratios matched to that encoder's trainable parameter count.
 */
interface CnnPreset {
  matchedTo: 'gcnn';
  options: Required<MatchOptions>;
}

const PRESETS: Readonly<Record<PresetName, CnnPreset>> = {
  // No dropout, as the default C_N encoder (the models underfit at a CPU budget).
  default: { matchedTo: 'gcnn', options: { ratios: PAPER_CNN_RATIOS, activation: 'relu', dropout: 0 } },
  // The paper's S-VAE: ReLU, dropout 0.2.
  paper: { matchedTo: 'gcnn', options: { ratios: PAPER_CNN_RATIOS, activation: 'relu', dropout: 0.2 } },
};

/** A CNN encoder of `widths` on the geometry and head of `like`. */
export function cnnEncoderFrom(like: EncoderBase, widths: number[], options: MatchOptions): CnnEncoderConfig {
  return {
    kind: 'cnn',
    widths,
    kernelSize: like.kernelSize,
    strides: [...like.strides],
    padding: like.padding,
    activation: options.activation ?? 'relu',
    batchNorm: like.batchNorm,
    dropout: options.dropout ?? 0.2,
    head: { ...like.head },
  };
}

/**
 * Widths for a CNN encoder on the geometry, head and latent of `like` whose trainable
 * parameter count is closest to `target`, keeping the channel ratios.
 */
export function matchCnnWidthsTo(target: number, like: VaeNetConfig, options: MatchOptions = {}): { widths: number[]; cnnParams: number } {
  const depth = like.encoder.widths.length;
  const base = options.ratios ?? PAPER_CNN_RATIOS;
  const ratios = Array.from({ length: depth }, (_, i) => base[Math.min(i, base.length - 1)]!);
  const minRatio = Math.min(...ratios);
  const make = (scale: number): CnnEncoderConfig =>
    cnnEncoderFrom(
      like.encoder,
      ratios.map((r) => Math.max(1, Math.round((r / minRatio) * scale))),
      options,
    );
  let best = { scale: 1, diff: Infinity, params: 0 };
  for (let scale = 1; scale <= 4096; scale++) {
    const params = countParams(like, make(scale)).trainable;
    const diff = Math.abs(params - target);
    if (diff < best.diff) best = { scale, diff, params };
    if (params > target) break;
  }
  return { widths: make(best.scale).widths, cnnParams: best.params };
}

function presetEncoder(name: PresetName, shared: SharedPreset): CnnEncoderConfig {
  const { options } = PRESETS[name];
  const gcnn = GCNN_FAMILY.presetEncoder(name, shared);
  const like: VaeNetConfig = { configVersion: VAE_NET_CONFIG_VERSION, ...shared, encoder: gcnn };
  const { widths } = matchCnnWidthsTo(GCNN_FAMILY.countParams(like, gcnn).trainable, like, options);
  return cnnEncoderFrom(gcnn, widths, options);
}

// ------------------------------------------------------------- validation

function validate(e: Record<string, unknown>, path: string): CnnEncoderConfig {
  checkKeys(e, ENCODER_BASE_KEYS, path);
  return { kind: 'cnn', ...validateEncoderBase(e, path) };
}

// ---------------------------------------------------------------- builder

function build(cfg: VaeNetConfig, e: CnnEncoderConfig): LayersModel {
  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  let x: SymbolicTensor = image;
  let size = cfg.imageSize;
  e.widths.forEach((filters, i) => {
    const stride = e.strides[i]!;
    x = paddedConv(x, size, { filters, kernelSize: e.kernelSize, stride, padding: e.padding, seed: layerSeed(cfg.seed, i), name: `enc_conv${i + 1}` });
    size = convOutputSize({ inputSize: size, kernelSize: e.kernelSize, stride, padding: e.padding });
    if (e.batchNorm) x = channelBatchNorm(x, cfg.batchNorm, `enc_bn${i + 1}`);
    x = apply(layers.activation({ activation: e.activation, name: `enc_act${i + 1}` }), x);
    if (e.dropout > 0) x = apply(new DeviceDropout({ rate: e.dropout, name: `enc_dropout${i + 1}` }), x);
  });
  x = apply(layers.flatten({ name: 'enc_flatten' }), x);
  return model({ inputs: image, outputs: latentHeads(x, cfg, 100), name: 'svae_encoder' });
}

// ------------------------------------------------------- parameter count

function countParams(cfg: Pick<VaeNetConfig, 'imageSize' | 'channels' | 'latent'>, e: CnnEncoderConfig): ParamCount {
  let trainable = 0;
  let nonTrainable = 0;
  let cin = cfg.channels;
  for (const c of e.widths) {
    trainable += e.kernelSize * e.kernelSize * cin * c + c;
    if (e.batchNorm) {
      trainable += 2 * c;
      nonTrainable += 2 * c;
    }
    cin = c;
  }
  const last = encoderMapSizes(cfg.imageSize, e).at(-1)!;
  return withHead({ trainable, nonTrainable }, last * last * cin, e.head, cfg.latent);
}

export const CNN_FAMILY: EncoderFamily<CnnEncoderConfig, CnnPreset> = {
  kind: 'cnn',
  centredGrid: false,
  presets: PRESETS,
  presetEncoder,
  validate,
  build,
  countParams,
};
