// Batch normalisation for the plain (non-equivariant) parts of the networks:
// GroupBatchNorm over scalar fields of the trivial group is per-channel batch
// norm with tfjs-layers' conventions (biased batch variance, Keras momentum),
// but its analytic gradient makes about half the passes over the activations
// of tfjs-layers' BatchNormalization, whose backward pass is differentiated
// op by op.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { TRIVIAL_GROUP, trivialFields } from '../equivariant/field-type.ts';
import { GroupBatchNorm } from '../equivariant/group-batch-norm.ts';
import type { BatchNormConfig } from './config/common.ts';
import { NetError } from './errors.ts';

export function channelBatchNorm(x: SymbolicTensor, bn: BatchNormConfig, name: string): SymbolicTensor {
  const channels = x.shape[x.shape.length - 1];
  if (channels == null) throw new NetError(`batch norm "${name}" needs a known channel count`);
  return new GroupBatchNorm({ fieldType: trivialFields(TRIVIAL_GROUP, channels), momentum: bn.momentum, epsilon: bn.epsilon, name }).apply(x) as SymbolicTensor;
}
