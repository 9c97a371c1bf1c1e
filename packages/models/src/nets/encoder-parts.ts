// The parts of the encoders that the families share: the latent heads on the
// invariant features, pooling of invariant maps over the disk or rings, the
// orbit mean, the plain padded convolution, and the initialiser seeds.
import { initializers, input, layers, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { AntialiasBlur } from '../equivariant/antialias-blur.ts';
import { DiskMask } from '../equivariant/disk-mask.ts';
import { fieldTypeOf, tagFieldType, type FieldType } from '../equivariant/field-type.ts';
import { GlobalDiskPooling } from '../equivariant/global-disk-pooling.ts';
import { RingPooling, defaultRingCount } from '../equivariant/ring-pooling.ts';
import { OrbitMean, RotationOrbit } from '../equivariant/rotation-orbit.ts';
import { convOutputSize } from '../equivariant/spatial.ts';
import { DeviceDropout } from '../random/device-dropout.ts';
import type { MaskConfig } from './config/common.ts';
import type { VaeNetConfig } from './config/vae-config.ts';
import { channelBatchNorm } from './batch-norm.ts';
import { L2Normalize, SoftplusShift } from './head-layers.ts';
import { NetConfigError } from './errors.ts';

/** Floor added to softplus for the Gaussian scale: an underflowed scale of 0 would make log-probabilities infinite. */
export const GAUSSIAN_SCALE_FLOOR = 1e-5;

/** Seed for the i-th initialiser of a model, or undefined when unseeded. */
export function layerSeed(seed: number | null, offset: number): number | undefined {
  return seed === null ? undefined : (seed * 1000 + offset) % 2147483647;
}

export function apply(layer: { apply: (x: SymbolicTensor) => unknown }, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

/** Dense heads on a feature vector: [mu, kappa] or [mean, scale]. */
export function latentHeads(features: SymbolicTensor, cfg: VaeNetConfig, seedBase: number): SymbolicTensor[] {
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
export function spatialPool(x: SymbolicTensor, invariant: FieldType, mode: 'mean' | 'max' | 'rings', mask: MaskConfig | null, size: number): SymbolicTensor {
  const margin = mask?.margin ?? 0;
  const sigma = mask?.sigma ?? 2;
  return mode === 'rings'
    ? apply(new RingPooling({ fieldType: invariant, rings: defaultRingCount(size), margin, sigma, name: 'enc_ring_pool' }), x)
    : apply(new GlobalDiskPooling({ fieldType: invariant, mode, margin, sigma, name: 'enc_disk_pool' }), x);
}

/** Averages the invariant features of an orbit's copies (identity when there is no orbit). */
export function orbitMean(x: SymbolicTensor, copies: number): SymbolicTensor {
  if (copies === 1) return x;
  const type = fieldTypeOf(x);
  if (type === undefined) throw new NetConfigError('encoder.orbit', 'internal: the invariant features carry no field type');
  return apply(new OrbitMean({ fieldType: type, copies, name: 'enc_orbit_mean' }), x);
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

/**
 * The input of an equivariant encoder: the image tagged with its (trivial) field type, then the
 * disk mask and the orbit of input turns when the config asks for them.
 */
export function equivariantStem(
  cfg: VaeNetConfig,
  e: { mask: MaskConfig | null; orbit: number },
  type: FieldType,
): { image: SymbolicTensor; x: SymbolicTensor } {
  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  tagFieldType(image, type);
  let x: SymbolicTensor = image;
  if (e.mask !== null) x = apply(new DiskMask({ fieldType: type, margin: e.mask.margin, sigma: e.mask.sigma, name: 'enc_mask' }), x);
  if (e.orbit > 1) x = apply(new RotationOrbit({ fieldType: type, copies: e.orbit, name: 'enc_orbit' }), x);
  return { image, x };
}

/**
 * A Gaussian blur in front of layer i when it is strided (AntialiasBlur; `antialias` null: none).
 * An isotropic blur acts on positions only, so it commutes with turns of any field type.
 */
export function antialiasBefore(x: SymbolicTensor, type: FieldType, e: { antialias: number | null; strides: number[] }, i: number): SymbolicTensor {
  if (e.antialias === null || e.strides[i]! <= 1) return x;
  return apply(new AntialiasBlur({ fieldType: type, sigma: e.antialias, name: `enc_antialias${i + 1}` }), x);
}
