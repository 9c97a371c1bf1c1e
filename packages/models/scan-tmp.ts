import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { besselTerms } from './src/distributions/bessel-terms.ts';
import { besselReference } from './src/distributions/bessel-reference.ts';
await useBackend('tensorflow', { purpose: 'bench' });
const nus = process.argv[2] ? process.argv[2].split(',').map(Number) : [0, 0.5, 1, 2, 4, 4.5, 7, 9.5, 14, 15.5, 16, 17, 20, 31, 49, 63, 99.5, 100];
const kappas: number[] = [];
for (let e = -6; e <= 5; e += 1 / 8) kappas.push(Math.fround(10 ** e));
for (const x of [15.9, 15.99, 16, 16.01, 16.1, 12, 13]) kappas.push(Math.fround(x));
const names = ['logI', 'logIve', 'log0F1', 'ratio', 'ratioComplement', 'kappaRatioDerivative'] as const;
for (const nu of nus) {
  const k = tf.tensor1d(kappas);
  const t = besselTerms(k, nu);
  const vals = Object.fromEntries(names.map((n) => [n, t[n].dataSync()]));
  const worst: Record<string, [number, number]> = {};
  kappas.forEach((kap, i) => {
    const ref = besselReference(nu, kap);
    for (const n of names) {
      const r = ref[n]; const a = vals[n][i];
      const err = Math.abs(a - r) / Math.abs(r);
      if (!Number.isFinite(a)) console.log('NONFINITE', nu, kap, n, a);
      if (!(n in worst) || err > worst[n][0]) worst[n] = [err, kap];
    }
  });
  console.log(`nu=${nu}`, names.map((n) => `${n}:${worst[n][0].toExponential(1)}@${worst[n][1].toPrecision(3)}`).join(' '));
}
