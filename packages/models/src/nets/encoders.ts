// The two encoders of the comparison, as tf.LayersModels from an image
// [B, S, S, C] to the latent parameters: [mu (unit norm, [B, m]), kappa
// ([B, 1], softplus + 1)] for a vMF latent, [mean, scale] ([B, m] each,
// scale = softplus + 1e-5) for a Gaussian latent.
//   S-GVAE: mask -> lifting conv -> group convs (BN, ReLU/ELU, dropout) ->
//           group pooling -> pooling over the disk -> dense heads. The heads
//           only see rotation-invariant features, so mu is invariant.
//   S-VAE:  plain convs (BN, ReLU, dropout) -> flatten -> dense heads.
import { initializers, input, layers, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { cyclicGroup, regularFields, tagFieldType, trivialFields, type FieldType } from '../equivariant/field-type.ts';
import { DiskMask } from '../equivariant/disk-mask.ts';
import { GroupConv2D, LiftingConv2D } from '../equivariant/cyclic-conv.ts';
import { GroupBatchNorm } from '../equivariant/group-batch-norm.ts';
import { PointwiseActivation, PointwiseDropout } from '../equivariant/pointwise.ts';
import { GroupPooling } from '../equivariant/group-pooling.ts';
import { GlobalDiskPooling } from '../equivariant/global-disk-pooling.ts';
import { convOutputSize } from '../equivariant/spatial.ts';
import { validateVaeNetConfig, type CnnEncoderConfig, type GcnnEncoderConfig, type VaeNetConfig } from './config.ts';
import { channelBatchNorm } from './batch-norm.ts';
import { L2Normalize, SoftplusShift } from './head-layers.ts';

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
    if (h.dropout > 0) x = apply(layers.dropout({ rate: h.dropout, name: 'enc_head_dropout' }), x);
  }
  const m = cfg.latent.dim;
  const dense = (units: number, name: string, i: number): SymbolicTensor =>
    apply(layers.dense({ units, kernelInitializer: initializers.glorotUniform({ seed: seed(i) }), name }), x);
  if (cfg.latent.family === 'vmf') {
    const mu = apply(new L2Normalize({ name: 'mu' }), dense(m, 'enc_mu_dense', 1));
    const kappa = apply(new SoftplusShift({ shift: 1, name: 'kappa' }), dense(1, 'enc_kappa_dense', 2));
    return [mu, kappa];
  }
  const mean = dense(m, 'mean', 1);
  const scale = apply(new SoftplusShift({ shift: GAUSSIAN_SCALE_FLOOR, name: 'scale' }), dense(m, 'enc_scale_dense', 2));
  return [mean, scale];
}

function buildGcnnEncoder(cfg: VaeNetConfig, e: GcnnEncoderConfig): LayersModel {
  const group = cyclicGroup(e.N);
  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  let type: FieldType = trivialFields(group, cfg.channels);
  tagFieldType(image, type);
  let x: SymbolicTensor = image;
  if (e.mask !== null) x = apply(new DiskMask({ fieldType: type, margin: e.mask.margin, sigma: e.mask.sigma, name: 'enc_mask' }), x);
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
    x = apply(i === 0 ? new LiftingConv2D(args) : new GroupConv2D(args), x);
    size = convOutputSize({ inputSize: size, kernelSize: e.kernelSize, stride: e.strides[i]!, padding: e.padding });
    type = outType;
    if (e.batchNorm) {
      x = apply(new GroupBatchNorm({ fieldType: type, momentum: cfg.batchNorm.momentum, epsilon: cfg.batchNorm.epsilon, name: `enc_gbn${i + 1}` }), x);
    }
    x = apply(new PointwiseActivation({ fieldType: type, activation: e.activation, name: `enc_act${i + 1}` }), x);
    if (e.dropout > 0) x = apply(new PointwiseDropout({ fieldType: type, rate: e.dropout, mode: e.dropoutMode, name: `enc_dropout${i + 1}` }), x);
  });
  x = apply(new GroupPooling({ inType: type, mode: e.groupPooling, name: 'enc_group_pool' }), x);
  const invariant = trivialFields(group, type.fields);
  x = apply(
    new GlobalDiskPooling({ fieldType: invariant, mode: e.spatialPooling, margin: e.mask?.margin ?? 0, sigma: e.mask?.sigma ?? 2, name: 'enc_disk_pool' }),
    x,
  );
  return model({ inputs: image, outputs: latentHeads(x, cfg, 100), name: 'sgvae_encoder' });
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
    if (e.dropout > 0) x = apply(layers.dropout({ rate: e.dropout, name: `enc_dropout${i + 1}` }), x);
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
  return cfg.encoder.kind === 'gcnn' ? buildGcnnEncoder(cfg, cfg.encoder) : buildCnnEncoder(cfg, cfg.encoder);
}
