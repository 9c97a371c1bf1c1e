// The C_N group CNN encoder (`gcnn`, the S-GVAE's encoder on regular fields):
// its config, presets, validation, builder and parameter count.
//   mask -> (orbit of input turns) -> lifting conv -> group convs (BN, ReLU/ELU,
//   dropout) -> group pooling -> pooling over the disk -> dense heads.
// The heads only see rotation-invariant features, so mu is invariant.
import { model, type LayersModel } from '@tensorflow/tfjs-layers';
import { steerableBasis } from '../../equivariant/basis.ts';
import { GroupConv2D, LiftingConv2D } from '../../equivariant/cyclic-conv.ts';
import { cyclicGroup, regularFields, trivialFields, type FieldType } from '../../equivariant/field-type.ts';
import { GroupBatchNorm } from '../../equivariant/group-batch-norm.ts';
import { GroupPooling } from '../../equivariant/group-pooling.ts';
import { PointwiseActivation, PointwiseDropout } from '../../equivariant/pointwise.ts';
import { defaultRingCount } from '../../equivariant/ring-pooling.ts';
import { SpectrumPooling, alignedFeatureCount, referenceWeightCount, spectrumFeatureCount } from '../../equivariant/spectrum-pooling.ts';
import {
  ENCODER_BASE_KEYS,
  bool,
  checkKeys,
  fail,
  int,
  oneOf,
  requireOddKernel,
  validateAntialias,
  validateEncoderBase,
  validateMask,
  validateOrbit,
  withHead,
  clone,
  type EncoderBase,
  type MaskConfig,
  type PresetName,
} from '../config/common.ts';
import { encoderMapSizes } from '../config/geometry.ts';
import { PAPER_HEAD } from '../config/presets.ts';
import type { VaeNetConfig } from '../config/vae-config.ts';
import { antialiasBefore, apply, equivariantStem, latentHeads, layerSeed, orbitMean, spatialPool } from '../encoder-parts.ts';
import type { EncoderFamily } from './family.ts';

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

// ---------------------------------------------------------------- presets
// The measurements behind these values are in docs/experiments.md.

const DEFAULT: GcnnEncoderConfig = {
  kind: 'gcnn',
  // C8 with 8/16/16 regular fields (64/128/128 channels), sized for a 2-core CPU.
  N: 8,
  widths: [8, 16, 16],
  kernelSize: 5,
  // 33 -> 17 -> 9 -> 9: the rotation centre stays on a sample at every layer. Striding the
  // second layer rather than the third runs the widest group convolution on 9x9, not 17x17:
  // 100 instead of 186 MFLOP per encoder pass, at the same accuracy after three epochs.
  strides: [2, 2, 1],
  padding: 2,
  activation: 'elu',
  batchNorm: true,
  // No dropout: at a CPU budget of a few epochs the models underfit (171 against 154 nats after two epochs).
  dropout: 0,
  dropoutMode: 'pointwise',
  maxFrequency: null,
  mask: { margin: 0, sigma: 2 },
  // Ring spectrum: keeps more of the digit than a group max per position.
  groupPooling: 'spectrum',
  spatialPooling: 'rings',
  // Two ring harmonics say on which side of the centre a loop lies (rotated 6s 66% against 58%).
  angularHarmonics: 2,
  // Aligned phases fit worse in three epochs.
  alignPhases: false,
  // Blur before the strided layers, so that subsampling does not alias differently for turned inputs.
  antialias: 1,
  // Orbit of 3 input turns cancels the remaining drift (mean cosine 0.994; 0.948 with 2).
  orbit: 3,
  head: { hidden: 32, activation: 'elu', batchNorm: true, dropout: 0 },
};

const PAPER: GcnnEncoderConfig = {
  ...DEFAULT,
  // 48/64/96 fields: about 800k encoder parameters like the paper's escnn encoder; meant for a GPU.
  widths: [48, 64, 96],
  // The paper's geometry, 33 -> 17 -> 17 -> 9.
  strides: [2, 1, 2],
  dropout: 0.1,
  // Group max per ring keeps the encoder near the paper's 800k parameters
  // (the spectrum would multiply the head's input by 5).
  groupPooling: 'max',
  angularHarmonics: 0,
  alignPhases: false,
  head: PAPER_HEAD,
};

const PRESETS: Readonly<Record<PresetName, GcnnEncoderConfig>> = { default: DEFAULT, paper: PAPER };

// ------------------------------------------------------------- validation

const KEYS = [...ENCODER_BASE_KEYS, 'N', 'maxFrequency', 'mask', 'groupPooling', 'spatialPooling', 'angularHarmonics', 'alignPhases', 'dropoutMode', 'antialias', 'orbit'] as const;

function validate(e: Record<string, unknown>, path: string): GcnnEncoderConfig {
  checkKeys(e, KEYS, path);
  const base = validateEncoderBase(e, path);
  requireOddKernel(base.kernelSize, path);
  const mask = validateMask(e.mask, `${path}.mask`);
  const maxFrequency = e.maxFrequency === null ? null : int(e.maxFrequency, `${path}.maxFrequency`, 0);
  if (e.groupPooling === 'spectrum' && e.spatialPooling === 'max') {
    fail(`${path}.spatialPooling`, "the spectrum invariant map pools space by a weighted mean first; use 'mean' or 'rings' with groupPooling 'spectrum'");
  }
  const angularHarmonics = int(e.angularHarmonics, `${path}.angularHarmonics`, 0, 8);
  if (angularHarmonics > 0 && (e.groupPooling !== 'spectrum' || e.spatialPooling !== 'rings')) {
    fail(`${path}.angularHarmonics`, "angular harmonics are moments of the rings of the spectrum invariant map; use groupPooling 'spectrum' and spatialPooling 'rings', or set angularHarmonics to 0");
  }
  const alignPhases = bool(e.alignPhases, `${path}.alignPhases`);
  if (alignPhases && e.groupPooling !== 'spectrum') {
    fail(`${path}.alignPhases`, "phase alignment turns the Fourier coefficients of the spectrum invariant map; use groupPooling 'spectrum', or set alignPhases to false");
  }
  return {
    kind: 'gcnn',
    ...base,
    N: int(e.N, `${path}.N`, 1, 64),
    maxFrequency,
    mask,
    groupPooling: oneOf(e.groupPooling, ['max', 'mean', 'spectrum'] as const, `${path}.groupPooling`),
    spatialPooling: oneOf(e.spatialPooling, ['mean', 'max', 'rings'] as const, `${path}.spatialPooling`),
    angularHarmonics,
    alignPhases,
    dropoutMode: oneOf(e.dropoutMode, ['pointwise', 'field'] as const, `${path}.dropoutMode`),
    antialias: validateAntialias(e.antialias, `${path}.antialias`),
    orbit: validateOrbit(e.orbit, `${path}.orbit`),
  };
}

/**
 * A preset's angular harmonics belong to its ring spectrum: a partial config that switches
 * the pooling away from it without naming angularHarmonics gets none (naming it still errors).
 */
function adjustPartial(merged: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  if (given.angularHarmonics === undefined && (merged.groupPooling !== 'spectrum' || merged.spatialPooling !== 'rings')) {
    return { ...merged, angularHarmonics: 0 };
  }
  return merged;
}

// ---------------------------------------------------------------- builder

function build(cfg: VaeNetConfig, e: GcnnEncoderConfig): LayersModel {
  const group = cyclicGroup(e.N);
  let type: FieldType = trivialFields(group, cfg.channels);
  const stem = equivariantStem(cfg, e, type);
  let x = stem.x;
  e.widths.forEach((fields, i) => {
    const outType = regularFields(e.N, fields);
    const args = {
      inType: type,
      outType,
      kernelSize: e.kernelSize,
      stride: e.strides[i]!,
      padding: e.padding,
      ...(e.maxFrequency === null ? {} : { maxFrequency: e.maxFrequency }),
      ...(cfg.seed === null ? {} : { seed: layerSeed(cfg.seed, i)! }),
      name: `enc_gconv${i + 1}`,
    };
    x = antialiasBefore(x, type, e, i);
    x = apply(i === 0 ? new LiftingConv2D(args) : new GroupConv2D(args), x);
    type = outType;
    if (e.batchNorm) {
      x = apply(new GroupBatchNorm({ fieldType: type, momentum: cfg.batchNorm.momentum, epsilon: cfg.batchNorm.epsilon, name: `enc_gbn${i + 1}` }), x);
    }
    x = apply(new PointwiseActivation({ fieldType: type, activation: e.activation, name: `enc_act${i + 1}` }), x);
    if (e.dropout > 0) x = apply(new PointwiseDropout({ fieldType: type, rate: e.dropout, mode: e.dropoutMode, name: `enc_dropout${i + 1}` }), x);
  });
  const size = encoderMapSizes(cfg.imageSize, e).at(-1)!;
  const margin = e.mask?.margin ?? 0;
  const sigma = e.mask?.sigma ?? 2;
  const rings = e.spatialPooling === 'rings' ? defaultRingCount(size) : 1;
  if (e.groupPooling === 'spectrum') {
    const seed = cfg.seed === null ? {} : { seed: layerSeed(cfg.seed, e.widths.length)! };
    x = apply(new SpectrumPooling({ inType: type, rings, harmonics: e.angularHarmonics, align: e.alignPhases, ...seed, margin, sigma, name: 'enc_spectrum_pool' }), x);
  } else {
    x = apply(new GroupPooling({ inType: type, mode: e.groupPooling, name: 'enc_group_pool' }), x);
    x = spatialPool(x, trivialFields(group, type.fields), e.spatialPooling, e.mask, size);
  }
  x = orbitMean(x, e.orbit);
  return model({ inputs: stem.image, outputs: latentHeads(x, cfg, 100), name: 'sgvae_encoder' });
}

// ------------------------------------------------------- parameter count

function countParams(cfg: VaeNetConfig, e: GcnnEncoderConfig): { trainable: number; nonTrainable: number } {
  const nB = steerableBasis(e.kernelSize, e.maxFrequency === null ? {} : { maxFrequency: e.maxFrequency }).elements.length;
  let trainable = 0;
  let nonTrainable = 0;
  let fin = cfg.channels;
  let perField = 1;
  for (const f of e.widths) {
    trainable += nB * perField * fin * f + f;
    if (e.batchNorm) {
      trainable += 2 * f;
      nonTrainable += 2 * f;
    }
    fin = f;
    perField = e.N;
  }
  const rings = e.spatialPooling === 'rings' ? defaultRingCount(encoderMapSizes(cfg.imageSize, e).at(-1)!) : 1;
  const featuresPerField =
    e.groupPooling !== 'spectrum' ? rings : e.alignPhases ? alignedFeatureCount(e.N, rings, e.angularHarmonics) : spectrumFeatureCount(e.N, rings, e.angularHarmonics);
  // Phase alignment learns one weight per coefficient of order +-1 (its reference).
  if (e.groupPooling === 'spectrum' && e.alignPhases) trainable += referenceWeightCount(e.N, fin, rings, e.angularHarmonics);
  return withHead({ trainable, nonTrainable }, fin * featuresPerField, e.head, cfg.latent);
}

export const GCNN_FAMILY: EncoderFamily<GcnnEncoderConfig> = {
  kind: 'gcnn',
  centredGrid: true,
  presets: PRESETS,
  presetEncoder: (name) => clone(PRESETS[name]),
  validate,
  adjustPartial,
  build,
  countParams,
};
