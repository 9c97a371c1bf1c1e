import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/backend/index.ts';
import { klVmfUniform } from './src/distributions/kl-vmf-uniform.ts';
import { logBesselI } from './src/distributions/log-bessel-i.ts';
import { besselIRatio } from './src/distributions/bessel-ratio.ts';
import { vmfShiftedLogNormalizer } from './src/distributions/vmf-log-normalizer.ts';
import { besselReference } from './src/distributions/bessel-reference.ts';
await useBackend('tensorflow', { purpose: 'bench' });
const kappas: number[] = [];
for (let e = -6; e <= 5; e += 1 / 8) kappas.push(Math.fround(10 ** e));
for (const m of [2, 3, 4, 5, 6, 10, 16, 20, 33, 34, 36, 40, 64, 100, 128, 202]) {
  const nu = m / 2 - 1;
  const k = tf.tensor1d(kappas);
  const dkl = tf.grad((x: tf.Tensor) => tf.sum(klVmfUniform(x, m)))(k);
  const klv = klVmfUniform(k, m).dataSync();
  const dklv = dkl.dataSync();
  const dli = tf.grad((x: tf.Tensor) => tf.sum(logBesselI(x, nu)))(k).dataSync();
  const dr = tf.grad((x: tf.Tensor) => tf.sum(besselIRatio(x, nu)))(k).dataSync();
  const dn = tf.grad((x: tf.Tensor) => tf.sum(vmfShiftedLogNormalizer(x, m)))(k).dataSync();
  let w = { kl: [0, 0], dkl: [0, 0], dli: [0, 0], dr: [0, 0], dn: [0,0] } as Record<string, number[]>;
  let neg = 0;
  kappas.forEach((kap, i) => {
    const ref = besselReference(nu, kap);
    const upd = (n: string, a: number, r: number) => { const e = Math.abs(a - r) / Math.abs(r); if (!(e <= w[n][0])) w[n] = [e, kap]; };
    upd('kl', klv[i], ref.klToUniform);
    if (klv[i] < 0) neg++;
    upd('dkl', dklv[i], ref.kappaRatioDerivative);
    upd('dli', dli[i], ref.ratio + nu / kap);
    upd('dr', dr[i], ref.kappaRatioDerivative / kap);
    upd('dn', dn[i], ref.ratioComplement);
  });
  console.log(`m=${m}`, 'neg', neg, Object.entries(w).map(([n, [e, k]]) => `${n}:${e.toExponential(1)}@${k.toPrecision(3)}`).join(' '));
}
