// The SO(2)-steerable CNN encoder (`so2`, escnn's SO(2) design on
// band-limited Fourier fields): its config, presets, validation, builder and
// parameter count.
//   mask -> steerable convs from the image to Fourier fields and between them
//   (SO(2) batch norm, Fourier ELU, dropout) -> invariant map (1x1 steerable
//   conv to trivial fields, or irrep norms) -> pooling over the disk -> dense heads.
import { model, type LayersModel } from '@tensorflow/tfjs-layers';
import { SO2_GROUP, fourierFields, trivialFields, type FieldType } from '../../equivariant/field-type.ts';
import { PointwiseDropout } from '../../equivariant/pointwise.ts';
import { defaultRingCount } from '../../equivariant/ring-pooling.ts';
import { fieldFrequencies, so2BasisSize } from '../../equivariant/so2-basis.ts';
import { So2BatchNorm } from '../../equivariant/so2-batch-norm.ts';
import { So2Conv2D } from '../../equivariant/so2-conv.ts';
import { FourierPointwise } from '../../equivariant/so2-fourier-pointwise.ts';
import { So2NormPool } from '../../equivariant/so2-norm-pool.ts';
import {
  ENCODER_BASE_KEYS,
  checkKeys,
  clone,
  fail,
  int,
  oneOf,
  requireOddKernel,
  validateAntialias,
  validateEncoderBase,
  validateMask,
  validateOrbit,
  withHead,
  type EncoderBase,
  type MaskConfig,
  type ParamCount,
  type PresetName,
} from '../config/common.ts';
import { encoderMapSizes } from '../config/geometry.ts';
import { PAPER_HEAD } from '../config/presets.ts';
import type { VaeNetConfig } from '../config/vae-config.ts';
import { antialiasBefore, apply, equivariantStem, latentHeads, layerSeed, orbitMean, spatialPool } from '../encoder-parts.ts';
import type { EncoderFamily } from './family.ts';

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

// ---------------------------------------------------------------- presets
// The measurements behind these values are in docs/experiments.md.

const DEFAULT: So2EncoderConfig = {
  kind: 'so2',
  // 8/16/16 fields (56/112/112 channels): a training step close to the default C8 encoder's.
  widths: [8, 16, 16],
  // Kernel 5 with padding 2 keeps the rotation centre on the grid (33 -> 17 -> 17 -> 9);
  // the paper's kernel 4 cannot.
  kernelSize: 5,
  strides: [2, 1, 2],
  padding: 2,
  activation: 'elu',
  batchNorm: true,
  dropout: 0,
  dropoutMode: 'grid',
  // L = 3 (7 channels per field) sampled at 16 angles, the escnn tutorial's choice: the
  // Fourier ELU's aliasing error is about 0.6% (so2-fourier-pointwise.spec.ts measures it).
  maxFrequency: 3,
  samples: 16,
  mask: { margin: 0, sigma: 2 },
  invariantMap: 'conv',
  invariantFields: 32,
  spatialPooling: 'rings',
  antialias: 1,
  orbit: 1,
  head: { hidden: 32, activation: 'elu', batchNorm: true, dropout: 0 },
};

const PAPER: So2EncoderConfig = {
  ...DEFAULT,
  // 64/64/128 fields: 813,959 parameters, about the paper's 800k.
  widths: [64, 64, 128],
  // The paper's encoder as published: dropout 0.1, mean pooling, no blur.
  dropout: 0.1,
  spatialPooling: 'mean',
  antialias: null,
  invariantFields: 64,
  head: PAPER_HEAD,
};

const PRESETS: Readonly<Record<PresetName, So2EncoderConfig>> = { default: DEFAULT, paper: PAPER };

// ------------------------------------------------------------- validation

const KEYS = [...ENCODER_BASE_KEYS, 'maxFrequency', 'samples', 'mask', 'dropoutMode', 'invariantMap', 'invariantFields', 'spatialPooling', 'antialias', 'orbit'] as const;

function validate(e: Record<string, unknown>, path: string): So2EncoderConfig {
  checkKeys(e, KEYS, path);
  const base = validateEncoderBase(e, path);
  requireOddKernel(base.kernelSize, path);
  const mask = validateMask(e.mask, `${path}.mask`);
  const L = int(e.maxFrequency, `${path}.maxFrequency`, 0, 16);
  const samples = int(e.samples, `${path}.samples`, 1, 1024);
  if (samples % 4 !== 0 || samples < 2 * L + 1) {
    fail(
      `${path}.samples`,
      `must be a multiple of 4 (so that quarter turns permute the samples exactly) and at least 2L + 1 = ${2 * L + 1} for L = ${L}, got ${samples}; ` +
        '16 keeps the aliasing error of the Fourier ELU under about 1% at L = 3',
    );
  }
  return {
    kind: 'so2',
    ...base,
    maxFrequency: L,
    samples,
    mask,
    dropoutMode: oneOf(e.dropoutMode, ['grid', 'field'] as const, `${path}.dropoutMode`),
    invariantMap: oneOf(e.invariantMap, ['conv', 'norm'] as const, `${path}.invariantMap`),
    invariantFields: int(e.invariantFields, `${path}.invariantFields`, 1),
    spatialPooling: oneOf(e.spatialPooling, ['mean', 'max', 'rings'] as const, `${path}.spatialPooling`),
    antialias: validateAntialias(e.antialias, `${path}.antialias`),
    orbit: validateOrbit(e.orbit, `${path}.orbit`),
  };
}

// ---------------------------------------------------------------- builder

function build(cfg: VaeNetConfig, e: So2EncoderConfig): LayersModel {
  let type: FieldType = trivialFields(SO2_GROUP, cfg.channels);
  const stem = equivariantStem(cfg, e, type);
  let x = stem.x;
  const seed = (offset: number): { seed?: number } => (cfg.seed === null ? {} : { seed: layerSeed(cfg.seed, offset)! });
  e.widths.forEach((fields, i) => {
    const outType = fourierFields(e.maxFrequency, fields);
    x = antialiasBefore(x, type, e, i);
    x = apply(
      new So2Conv2D({ inType: type, outType, kernelSize: e.kernelSize, stride: e.strides[i]!, padding: e.padding, ...seed(i), name: `enc_so2conv${i + 1}` }),
      x,
    );
    type = outType;
    if (e.batchNorm) {
      x = apply(new So2BatchNorm({ fieldType: type, momentum: cfg.batchNorm.momentum, epsilon: cfg.batchNorm.epsilon, name: `enc_so2bn${i + 1}` }), x);
    }
    const gridDropout = e.dropoutMode === 'grid' ? e.dropout : 0;
    x = apply(new FourierPointwise({ fieldType: type, samples: e.samples, activation: e.activation, dropout: gridDropout, name: `enc_act${i + 1}` }), x);
    if (e.dropout > 0 && e.dropoutMode === 'field') {
      x = apply(new PointwiseDropout({ fieldType: type, rate: e.dropout, mode: 'field', name: `enc_dropout${i + 1}` }), x);
    }
  });
  // The invariant map acts per pixel, before the pooling over the disk: the 1x1 convolution
  // is linear and commutes with the (linear) pooling anyway; norms are taken where the
  // features are, as the C_N encoder pools orientations before space.
  let invariant: FieldType;
  if (e.invariantMap === 'conv') {
    invariant = trivialFields(SO2_GROUP, e.invariantFields);
    x = apply(new So2Conv2D({ inType: type, outType: invariant, kernelSize: 1, padding: 0, ...seed(e.widths.length), name: 'enc_invariant_map' }), x);
  } else {
    const pool = new So2NormPool({ inType: type, name: 'enc_invariant_map' });
    invariant = pool.outType;
    x = apply(pool, x);
  }
  x = spatialPool(x, invariant, e.spatialPooling, e.mask, encoderMapSizes(cfg.imageSize, e).at(-1)!);
  x = orbitMean(x, e.orbit);
  return model({ inputs: stem.image, outputs: latentHeads(x, cfg, 100), name: 'sgvae_so2_encoder' });
}

// ------------------------------------------------------- parameter count

/**
 * One So2Conv2D per layer (S basis elements per pair of fields, one bias per output field),
 * So2BatchNorm with L + 2 trainable and L + 2 moving values per field, then the invariant map.
 */
function countParams(cfg: VaeNetConfig, e: So2EncoderConfig): ParamCount {
  let trainable = 0;
  let nonTrainable = 0;
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
  return withHead({ trainable, nonTrainable }, features * rings, e.head, cfg.latent);
}

export const SO2_FAMILY: EncoderFamily<So2EncoderConfig> = {
  kind: 'so2',
  centredGrid: true,
  presets: PRESETS,
  presetEncoder: (name) => clone(PRESETS[name]),
  validate,
  build,
  countParams,
};
