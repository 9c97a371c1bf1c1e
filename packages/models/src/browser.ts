// Browser-safe entry of @sgvae/models: importing it registers every custom
// layer the trained models are made of (C_N and SO(2) layers, invariant maps,
// poolings, latent heads, dropout) with the tfjs serialization registry, so
// that tf.loadLayersModel can rebuild an encoder or decoder from its
// model.json in a web page. Nothing imported from here may use a `node:`
// module (file I/O and backend selection live in the main entry);
// browser.spec.ts bundles this entry for the browser and fails on any.
import { AntialiasBlur } from './equivariant/antialias-blur.ts';
import { GroupConv2D, LiftingConv2D } from './equivariant/cyclic-conv.ts';
import { DiskMask } from './equivariant/disk-mask.ts';
import { GlobalDiskPooling } from './equivariant/global-disk-pooling.ts';
import { GroupBatchNorm } from './equivariant/group-batch-norm.ts';
import { GroupPooling } from './equivariant/group-pooling.ts';
import { PointwiseActivation, PointwiseDropout } from './equivariant/pointwise.ts';
import { RingPooling } from './equivariant/ring-pooling.ts';
import { OrbitMean, RotationOrbit } from './equivariant/rotation-orbit.ts';
import { So2BatchNorm } from './equivariant/so2-batch-norm.ts';
import { So2Conv2D } from './equivariant/so2-conv.ts';
import { FourierPointwise } from './equivariant/so2-fourier-pointwise.ts';
import { So2NormPool } from './equivariant/so2-norm-pool.ts';
import { SpectrumPooling } from './equivariant/spectrum-pooling.ts';
import { L2Normalize, SoftplusShift } from './nets/head-layers.ts';
import { DeviceDropout } from './random/device-dropout.ts';

/** Every layer class of this package that a saved model can name (each registers itself when its module loads). */
export const CUSTOM_LAYER_CLASSES = [
  AntialiasBlur,
  DeviceDropout,
  DiskMask,
  FourierPointwise,
  GlobalDiskPooling,
  GroupBatchNorm,
  GroupConv2D,
  GroupPooling,
  L2Normalize,
  LiftingConv2D,
  OrbitMean,
  PointwiseActivation,
  PointwiseDropout,
  RingPooling,
  RotationOrbit,
  So2BatchNorm,
  So2Conv2D,
  So2NormPool,
  SoftplusShift,
  SpectrumPooling,
] as const;

/** The `class_name`s of CUSTOM_LAYER_CLASSES, as they appear in a model.json. */
export function customLayerClassNames(): string[] {
  return CUSTOM_LAYER_CLASSES.map((c) => c.className).sort();
}
