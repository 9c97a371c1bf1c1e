// The encoders of the comparison, as tf.LayersModels from an image
// [B, S, S, C] to the latent parameters: [mu (unit norm, [B, m]), kappa
// ([B, 1], softplus + 1)] for a vMF latent, [mean, scale] ([B, m] each,
// scale = softplus + 1e-5) for a Gaussian latent.
//   S-GVAE, C_N (`gcnn`): mask -> lifting conv -> group convs (BN, ReLU/ELU,
//           dropout) -> group pooling -> pooling over the disk -> dense heads.
//           The heads only see rotation-invariant features, so mu is invariant.
//   S-GVAE, SO(2) (`so2`): mask -> steerable convs from the image to Fourier
//           fields and between them (SO(2) batch norm, Fourier ELU, dropout)
//           -> invariant map (1x1 steerable conv to trivial fields, or irrep
//           norms) -> pooling over the disk -> dense heads.
//   S-VAE:  plain convs (BN, ReLU, dropout) -> flatten -> dense heads.
import { initializers, input, layers, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { SO2_GROUP, cyclicGroup, fourierFields, regularFields, fieldTypeOf, tagFieldType, trivialFields, type FieldType } from '../equivariant/field-type.ts';
import { DiskMask } from '../equivariant/disk-mask.ts';
import { GroupConv2D, LiftingConv2D } from '../equivariant/cyclic-conv.ts';
import { GroupBatchNorm } from '../equivariant/group-batch-norm.ts';
import { PointwiseActivation, PointwiseDropout } from '../equivariant/pointwise.ts';
import { GroupPooling } from '../equivariant/group-pooling.ts';
import { GlobalDiskPooling } from '../equivariant/global-disk-pooling.ts';
import { AntialiasBlur } from '../equivariant/antialias-blur.ts';
import { RingPooling, defaultRingCount } from '../equivariant/ring-pooling.ts';
import { SpectrumPooling } from '../equivariant/spectrum-pooling.ts';
import { DeviceDropout } from '../random/device-dropout.ts';
import { OrbitMean, RotationOrbit } from '../equivariant/rotation-orbit.ts';
import { convOutputSize } from '../equivariant/spatial.ts';
import { So2Conv2D } from '../equivariant/so2-conv.ts';
import { So2BatchNorm } from '../equivariant/so2-batch-norm.ts';
import { FourierPointwise } from '../equivariant/so2-fourier-pointwise.ts';
import { So2NormPool } from '../equivariant/so2-norm-pool.ts';
import { encoderMapSizes, validateVaeNetConfig, type CnnEncoderConfig, type GcnnEncoderConfig, type MaskConfig, type So2EncoderConfig, type VaeNetConfig } from './config.ts';
import { channelBatchNorm } from './batch-norm.ts';
import { L2Normalize, SoftplusShift } from './head-layers.ts';
import { NetConfigError } from './errors.ts';

/** Floor added to softplus for the Gaussian scale: an underflowed scale of 0 would make log-probabilities infinite. */
export const GAUSSIAN_SCALE_FLOOR = 1e-5;

/** Seed for the i-th initialiser of a model, or undefined when unseeded. */
export function layerSeed(seed: number | null, offset: number): number | undefined {
  return seed === null ? undefined : (seed * 1000 + offset) % 2147483647;
}

function apply(layer: { apply: (x: SymbolicTensor) => unknown }, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

/** Dense heads on a feature vector: [mu, kappa] or [mean, scale]. */
function latentHeads(features: SymbolicTensor, cfg: VaeNetConfig, seedBase: number): SymbolicTensor[] {
  const h = cfg.encoder.head;
  const seed = (i: number): number | undefined => layerSeed(cfg.seed, seedBase + i);
  let x = features;
  if (h.hidden > 0) {
    x = apply(layers.dense({ units: h.hidden, kernelInitializer: initializers.glorotUniform({ seed: seed(0) }), name: 'enc_head_dense' }), x);
    if (h.batchNorm) {
      x = channelBatchNorm(x, cfg.batchNorm, 'enc_head_bn');
    }
    x = apply(layers.activation({ activation: h.activation, name: 'enc_head_act' }), x);
    if (h.dropout > 0) x = apply(new DeviceDropout({ rate: h.dropout, name: 'enc_head_dropout' }), x);
  }
  const m = cfg.latent.dim;
  const dense = (units: number, name: string, i: number, bias = 0): SymbolicTensor =>
    apply(layers.dense({ units, kernelInitializer: initializers.glorotUniform({ seed: seed(i) }), biasInitializer: initializers.constant({ value: bias }), name }), x);
  if (cfg.latent.family === 'vmf') {
    const mu = apply(new L2Normalize({ name: 'mu' }), dense(m, 'enc_mu_dense', 1));
    // kappa = softplus(b) + 1 starts at kappaInit for b = softplus^-1(kappaInit - 1) = log(e^(kappaInit - 1) - 1).
    const k0 = cfg.latent.kappaInit;
    const bias = k0 === null ? 0 : k0 - 1 > 30 ? k0 - 1 : Math.log(Math.expm1(k0 - 1));
    const kappa = apply(new SoftplusShift({ shift: 1, name: 'kappa' }), dense(1, 'enc_kappa_dense', 2, bias));
    return [mu, kappa];
  }
  const mean = dense(m, 'mean', 1);
  const scale = apply(new SoftplusShift({ shift: GAUSSIAN_SCALE_FLOOR, name: 'scale' }), dense(m, 'enc_scale_dense', 2));
  return [mean, scale];
}

/** Pools invariant (trivial) feature maps over the disk or over concentric rings: [B, S, S, C] -> [B, C] or [B, R * C]. */
function spatialPool(x: SymbolicTensor, invariant: FieldType, mode: 'mean' | 'max' | 'rings', mask: MaskConfig | null, size: number): SymbolicTensor {
  const margin = mask?.margin ?? 0;
  const sigma = mask?.sigma ?? 2;
  return mode === 'rings'
    ? apply(new RingPooling({ fieldType: invariant, rings: defaultRingCount(size), margin, sigma, name: 'enc_ring_pool' }), x)
    : apply(new GlobalDiskPooling({ fieldType: invariant, mode, margin, sigma, name: 'enc_disk_pool' }), x);
}

/** Averages the invariant features of an orbit's copies (identity when there is no orbit). */
function orbitMean(x: SymbolicTensor, copies: number): SymbolicTensor {
  if (copies === 1) return x;
  const type = fieldTypeOf(x);
  if (type === undefined) throw new NetConfigError('encoder.orbit', 'internal: the invariant features carry no field type');
  return apply(new OrbitMean({ fieldType: type, copies, name: 'enc_orbit_mean' }), x);
}

function buildGcnnEncoder(cfg: VaeNetConfig, e: GcnnEncoderConfig): LayersModel {
  const group = cyclicGroup(e.N);
  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  let type: FieldType = trivialFields(group, cfg.channels);
  tagFieldType(image, type);
  let x: SymbolicTensor = image;
  if (e.mask !== null) x = apply(new DiskMask({ fieldType: type, margin: e.mask.margin, sigma: e.mask.sigma, name: 'enc_mask' }), x);
  if (e.orbit > 1) x = apply(new RotationOrbit({ fieldType: type, copies: e.orbit, name: 'enc_orbit' }), x);
  let size = cfg.imageSize;
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
    if (e.antialias !== null && e.strides[i]! > 1) {
      x = apply(new AntialiasBlur({ fieldType: type, sigma: e.antialias, name: `enc_antialias${i + 1}` }), x);
    }
    x = apply(i === 0 ? new LiftingConv2D(args) : new GroupConv2D(args), x);
    size = convOutputSize({ inputSize: size, kernelSize: e.kernelSize, stride: e.strides[i]!, padding: e.padding });
    type = outType;
    if (e.batchNorm) {
      x = apply(new GroupBatchNorm({ fieldType: type, momentum: cfg.batchNorm.momentum, epsilon: cfg.batchNorm.epsilon, name: `enc_gbn${i + 1}` }), x);
    }
    x = apply(new PointwiseActivation({ fieldType: type, activation: e.activation, name: `enc_act${i + 1}` }), x);
    if (e.dropout > 0) x = apply(new PointwiseDropout({ fieldType: type, rate: e.dropout, mode: e.dropoutMode, name: `enc_dropout${i + 1}` }), x);
  });
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
  return model({ inputs: image, outputs: latentHeads(x, cfg, 100), name: 'sgvae_encoder' });
}

function buildSo2Encoder(cfg: VaeNetConfig, e: So2EncoderConfig): LayersModel {
  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  let type: FieldType = trivialFields(SO2_GROUP, cfg.channels);
  tagFieldType(image, type);
  let x: SymbolicTensor = image;
  if (e.mask !== null) x = apply(new DiskMask({ fieldType: type, margin: e.mask.margin, sigma: e.mask.sigma, name: 'enc_mask' }), x);
  if (e.orbit > 1) x = apply(new RotationOrbit({ fieldType: type, copies: e.orbit, name: 'enc_orbit' }), x);
  const seed = (offset: number): { seed?: number } => (cfg.seed === null ? {} : { seed: layerSeed(cfg.seed, offset)! });
  e.widths.forEach((fields, i) => {
    const outType = fourierFields(e.maxFrequency, fields);
    if (e.antialias !== null && e.strides[i]! > 1) {
      // An isotropic blur acts on positions only, so it commutes with the rotation of Fourier fields too.
      x = apply(new AntialiasBlur({ fieldType: type, sigma: e.antialias, name: `enc_antialias${i + 1}` }), x);
    }
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
  return model({ inputs: image, outputs: latentHeads(x, cfg, 100), name: 'sgvae_so2_encoder' });
}

/**
 * A convolution with symmetric padding p: tfjs 'same' when it pads exactly p on
 * each side (true for the centred geometries), else explicit zero padding + 'valid'.
 */
export function paddedConv(x: SymbolicTensor, size: number, opts: { filters: number; kernelSize: number; stride: number; padding: number; seed: number | undefined; name: string }): SymbolicTensor {
  const sameOut = Math.ceil(size / opts.stride);
  const sameTotal = Math.max((sameOut - 1) * opts.stride + opts.kernelSize - size, 0);
  const out = convOutputSize({ inputSize: size, kernelSize: opts.kernelSize, stride: opts.stride, padding: opts.padding });
  const useSame = sameOut === out && sameTotal === 2 * opts.padding;
  let y = x;
  if (!useSame && opts.padding > 0) y = apply(layers.zeroPadding2d({ padding: opts.padding, name: `${opts.name}_pad` }), y);
  return apply(
    layers.conv2d({
      filters: opts.filters,
      kernelSize: opts.kernelSize,
      strides: opts.stride,
      padding: useSame ? 'same' : 'valid',
      kernelInitializer: initializers.heNormal({ seed: opts.seed }),
      name: opts.name,
    }),
    y,
  );
}

function buildCnnEncoder(cfg: VaeNetConfig, e: CnnEncoderConfig): LayersModel {
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

/**
 * Builds the encoder of `config` (validated again here): image [B, S, S, C] ->
 * [mu, kappa] (vMF) or [mean, scale] (Gaussian). Pass `{training: true}` to
 * `model.apply` in training so that batch norm and dropout act.
 */
export function buildEncoder(config: VaeNetConfig): LayersModel {
  const cfg = validateVaeNetConfig(config);
  switch (cfg.encoder.kind) {
    case 'gcnn':
      return buildGcnnEncoder(cfg, cfg.encoder);
    case 'so2':
      return buildSo2Encoder(cfg, cfg.encoder);
    case 'cnn':
      return buildCnnEncoder(cfg, cfg.encoder);
  }
}
