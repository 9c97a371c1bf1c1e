import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { besselTerms } from './src/distributions/bessel-terms.ts';
import { besselReference } from './src/distributions/bessel-reference.ts';
await useBackend('tensorflow', { purpose: 'bench' });
for (const [nu, kap] of [[16, 12], [9.5, 7.5], [4.5, 4.22], [63, 42.2], [15.5, 12]]) {
  const k = Math.fround(kap);
  const t = besselTerms(tf.tensor1d([k]), nu);
  const ref = besselReference(nu, k);
  const a = t.logI.dataSync()[0];
  console.log(nu, k, 'ref', ref.logI, 'got', a, 'abs', Math.abs(a - ref.logI), 'scale kR+nu', k * ref.ratio + nu, 'rel-to-scale', Math.abs(a - ref.logI) / (k * ref.ratio + nu));
}
