// Public entry of the C_N-equivariant machinery: group and field types ->
// kernels (steerable basis) -> layers, plus the equivariance measurement.
export { BasisError, EquivariantError, FieldTypeError, GridGeometryError, LayerArgumentError } from './errors.ts';
export {
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
export { smoothDiskImages } from './test-inputs.ts';
export type { SmoothDiskOptions } from './test-inputs.ts';
export { fieldBatchNormTraining, fieldMoments } from './field-batch-norm-op.ts';
export type { FieldBatchNormResult } from './field-batch-norm-op.ts';
