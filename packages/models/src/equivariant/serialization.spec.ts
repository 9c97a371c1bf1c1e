import { describe, it } from 'vitest';
import { expectLayerChainRoundTrip, type ChainLayer } from '../testing/layer-round-trip.ts';
import { GroupConv2D, LiftingConv2D } from './cyclic-conv.ts';
import { DiskMask } from './disk-mask.ts';
import { cyclicGroup, regularFields, trivialFields } from './field-type.ts';
import { GlobalDiskPooling } from './global-disk-pooling.ts';
import { GroupBatchNorm } from './group-batch-norm.ts';
import { GroupPooling } from './group-pooling.ts';
import { PointwiseActivation, PointwiseDropout } from './pointwise.ts';

describe('save -> load round trip of every equivariant layer', () => {
  it('rebuilds each layer from its config and gives identical outputs', async () => {
    const g = cyclicGroup(4);
    const chain: ChainLayer[] = [
      new DiskMask({ fieldType: trivialFields(g, 1), margin: 5, sigma: 1.5, name: 'mask' }),
      new LiftingConv2D({ inType: trivialFields(g, 1), outType: regularFields(4, 2), kernelSize: 5, stride: 2, seed: 3, name: 'lift' }),
      new GroupBatchNorm({ fieldType: regularFields(4, 2), momentum: 0.7, epsilon: 1e-4, name: 'bn' }),
      new PointwiseActivation({ fieldType: regularFields(4, 2), activation: 'elu', name: 'act' }),
      new PointwiseDropout({ fieldType: regularFields(4, 2), rate: 0.25, mode: 'field', name: 'drop' }),
      new GroupConv2D({
        inType: regularFields(4, 2),
        outType: regularFields(4, 3),
        kernelSize: 3,
        stride: 1,
        padding: 1,
        useBias: false,
        maxFrequency: 1,
        kernelInitializer: 'glorotUniform',
        seed: 5,
        name: 'gconv',
      }),
      new GroupPooling({ inType: regularFields(4, 3), mode: 'mean', name: 'gpool' }),
      new GlobalDiskPooling({ fieldType: trivialFields(g, 3), mode: 'max', margin: 10, sigma: 3, name: 'dpool' }),
    ];
    await expectLayerChainRoundTrip(chain, [17, 17, 1]);
  });
});
