// Public entry of the equivariant machinery (C_N and SO(2)): group and field
// types -> kernels (steerable bases) -> layers, plus the equivariance measurements.
export { BasisError, EquivariantError, FieldTypeError, GridGeometryError, LayerArgumentError } from './errors.ts';
export {
  SO2_GROUP,
  TRIVIAL_GROUP,
  assertChannels,
  assertFieldType,
  channelCount,
  cyclicGroup,
  describeFieldType,
  describeGroup,
  fieldSize,
  fieldType,
  fieldTypeOf,
  fieldTypeToJson,
  fourierFields,
  groupOrder,
  parseFieldType,
  regularFields,
  sameFieldType,
  sameGroup,
  tagFieldType,
  trivialFields,
} from './field-type.ts';
export type { FieldType, GroupSpec, Representation } from './field-type.ts';
export {
  assertCentredGrid,
  convOutputSize,
  diskIndicator,
  diskMaskValues,
  isCentredGrid,
  quarterTurns,
  rot90,
  rotateBilinear,
  suggestCentredSizes,
} from './spatial.ts';
export type { ConvGeometry } from './spatial.ts';
export {
  defaultRings,
  expansionTensor,
  harmonicElements,
  liftingExpansion,
  regularExpansion,
  rot90Grid,
  rotatedBasis,
  sampleHarmonic,
  steerableBasis,
} from './basis.ts';
export type { BasisOptions, ExpansionMatrix, HarmonicElement, RingSpec, SteerableBasis } from './basis.ts';
export { elementAngle, measureEquivariance, measureInvariance, shiftOrientations, transformFeatures } from './action.ts';
export type { EquivarianceCheckOptions, EquivarianceError, InvarianceError } from './action.ts';
export { EquivariantLayer } from './equivariant-layer.ts';
export type { BaseLayerArgs, LayerKwargs } from './equivariant-layer.ts';
export { GroupConv2D, KERNEL_INITIALIZERS, LiftingConv2D } from './cyclic-conv.ts';
export type { CyclicConvArgs, KernelInitializerName } from './cyclic-conv.ts';
export { GroupBatchNorm } from './group-batch-norm.ts';
export type { GroupBatchNormArgs } from './group-batch-norm.ts';
export { POINTWISE_ACTIVATIONS, PointwiseActivation, PointwiseDropout } from './pointwise.ts';
export type { PointwiseActivationArgs, PointwiseActivationName, PointwiseDropoutArgs } from './pointwise.ts';
export { DiskMask } from './disk-mask.ts';
export type { DiskMaskArgs } from './disk-mask.ts';
export { GroupPooling } from './group-pooling.ts';
export type { GroupPoolingArgs } from './group-pooling.ts';
export { GlobalDiskPooling } from './global-disk-pooling.ts';
export type { GlobalDiskPoolingArgs } from './global-disk-pooling.ts';
export { fieldBatchNormTraining, fieldMoments } from './field-batch-norm-op.ts';
export type { FieldBatchNormResult } from './field-batch-norm-op.ts';
export {
  fieldFrequencies,
  irrepMatrix,
  irrepOffset,
  irrepSize,
  sampleSo2Element,
  so2Basis,
  so2BasisSize,
  so2Blocks,
  so2ExpansionTensor,
  steeredBlock,
} from './so2-basis.ts';
export type { So2Basis, So2BasisElement, So2BlockKind } from './so2-basis.ts';
export { fourierFieldRotation, measureSo2Equivariance, rotateFibre, transformSo2Features } from './so2-action.ts';
export type { So2EquivarianceError, So2EquivarianceOptions } from './so2-action.ts';
export { So2EquivariantLayer, so2BandLimit } from './so2-layer.ts';
export { So2Conv2D } from './so2-conv.ts';
export type { So2ConvArgs } from './so2-conv.ts';
export { FOURIER_ACTIVATIONS, FourierPointwise, fourierProjectionMatrix, fourierSamplingMatrix } from './so2-fourier-pointwise.ts';
export type { FourierActivationName, FourierPointwiseArgs } from './so2-fourier-pointwise.ts';
export { So2BatchNorm } from './so2-batch-norm.ts';
export type { So2BatchNormArgs } from './so2-batch-norm.ts';
export { so2BatchNormTraining, so2Moments } from './so2-batch-norm-op.ts';
export type { So2BatchNormResult } from './so2-batch-norm-op.ts';
export { So2NormPool } from './so2-norm-pool.ts';
export type { So2NormPoolArgs } from './so2-norm-pool.ts';
