import { describe, it } from 'vitest';
import { expectLayerChainRoundTrip, type ChainLayer } from '../testing/layer-round-trip.ts';
import { DiskMask } from './disk-mask.ts';
import { SO2_GROUP, fourierFields, trivialFields } from './field-type.ts';
import { GlobalDiskPooling } from './global-disk-pooling.ts';
import { PointwiseDropout } from './pointwise.ts';
import { So2BatchNorm } from './so2-batch-norm.ts';
import { So2Conv2D } from './so2-conv.ts';
import { FourierPointwise } from './so2-fourier-pointwise.ts';
import { So2NormPool } from './so2-norm-pool.ts';

describe('save -> load round trip of every SO(2) layer', () => {
  it('rebuilds each layer from its config and gives identical outputs', async () => {
    const f2 = fourierFields(2, 2);
    const f3 = fourierFields(2, 3);
    const chain: ChainLayer[] = [
      new DiskMask({ fieldType: trivialFields(SO2_GROUP, 1), margin: 5, name: 'mask' }),
      new So2Conv2D({ inType: trivialFields(SO2_GROUP, 1), outType: f2, kernelSize: 5, stride: 2, seed: 3, name: 'lift' }),
      new So2BatchNorm({ fieldType: f2, momentum: 0.7, epsilon: 1e-4, name: 'bn' }),
      new FourierPointwise({ fieldType: f2, samples: 12, activation: 'relu', dropout: 0.2, name: 'act' }),
      new PointwiseDropout({ fieldType: f2, rate: 0.25, mode: 'field', name: 'drop' }),
      new So2Conv2D({ inType: f2, outType: f3, kernelSize: 3, padding: 1, useBias: false, kernelInitializer: 'glorotUniform', seed: 5, name: 'conv' }),
      new So2NormPool({ inType: f3, name: 'norms' }),
      new GlobalDiskPooling({ fieldType: trivialFields(SO2_GROUP, 9), mode: 'max', name: 'pool' }),
    ];
    await expectLayerChainRoundTrip(chain, [17, 17, 1]);
  });
});
