// Reference values computed with mpmath at 40 digits and cross-checked with
// scipy. Used by the specs only.

/** log I_v(kappa): rows v, columns kappa. */
export const LOG_BESSEL_I_TABLE: { nu: number; kappa: number; logI: number }[] = [
  ...([
    [0, [2.49999984375e-7, 0.00249843923388, 0.235914358507, 7.94297208312, 96.7797326899, 9994.47590378]],
    [0.5, [-3.67966882547, -1.37541778768, -0.0643519910735, 7.92976891824, 96.7784763738, 9994.47589128]],
    [2, [-15.8949520163, -6.68377848112, -1.99695748594, 7.73259671404, 96.7596322759, 9994.47570377]],
    [4.5, [-38.1618749901, -17.438154669, -7.03167939548, 6.89553887568, 96.6779884677, 9994.47489123]],
    [49, [-517.009964459, -291.356575351, -178.524956039, -65.2057063412, 84.944980104, 9994.35584802]],
  ] as [number, number[]][]).flatMap(([nu, values]) =>
    [0.001, 0.1, 1, 10, 100, 10000].map((kappa, i) => ({ nu, kappa, logI: values[i] })),
  ),
];

/** KL(vMF || uniform), entropy and dKL/dkappa at (m, kappa). */
export const VMF_TABLE: {
  m: number;
  kappa: number;
  meanResultantLength: number;
  entropy: number;
  logSphereArea: number;
  kl: number;
  klDerivative: number;
}[] = [
  [3, 1, 0.313035285499, 2.37942832304, 2.53102424697, 0.151595923928, 0.275938339],
  [6, 10, 0.770706157382, 0.933996153459, 3.43418965755, 2.50019350409, 0.2065894028],
  [10, 100, 0.955795172881, -8.11147342426, 3.23874277946, 11.3502162037, 0.04340219376],
  [3, 0.01, 0.00333331111, 2.53100758047, 2.53102424697, 1.66665000018e-5, 0.003333266668],
  [3, 100, 0.99, -1.76729311958, 2.53102424697, 4.29831736655, 0.01],
  [5, 1, 0.194528049465, 3.17437326391, 3.27028902471, 0.0959157607972, 0.1840466401],
  [16, 50, 0.859900015662, -9.04273359146, 1.32582490629, 10.3685584978, 0.1300979183],
  [64, 1, 0.0156213025986, -40.7755297527, -40.7677200256, 0.00780972709051, 0.01561391119],
  [128, 1.7, 0.0132789441294, -127.064742647, -127.053456524, 0.0112861226266, 0.01327433396],
  [100, 10000, 0.995062004878, -315.677025673, -86.6361024733, 229.040923199, 0.004925989186],
].map(([m, kappa, meanResultantLength, entropy, logSphereArea, kl, klDerivative]) => ({
  m,
  kappa,
  meanResultantLength,
  entropy,
  logSphereArea,
  kl,
  klDerivative,
}));

/** d/dkappa log I_v(kappa) = I_{v+1}/I_v + v/kappa. */
export const LOG_BESSEL_I_DERIVATIVE_TABLE: { nu: number; kappa: number; derivative: number }[] = (
  [
    [0, [0.0499376039879, 0.446389965897, 0.948599825955, 0.994987373005]],
    [2, [20.0166631956, 2.16330611761, 0.970706157382, 0.995189385399]],
    [4.5, [45.00909027344, 4.59028096411, 1.05492267678, 0.996009632893]],
    [49, [490.000999999, 49.0099990198, 4.99903802651, 1.10956561419]],
  ] as [number, number[]][]
).flatMap(([nu, values]) => [0.1, 1, 10, 100].map((kappa, i) => ({ nu, kappa, derivative: values[i] })));

/** d/dkappa ive(v, kappa) = d/dkappa (I_v(kappa) e^{-kappa}), the s-vae custom gradient. */
export const IVE_DERIVATIVE_TABLE: { nu: number; kappa: number; derivative: number }[] = [
  { nu: 0.5, kappa: 1, derivative: -0.0644937239177 },
  { nu: 2, kappa: 10, derivative: -0.00303427967939 },
  { nu: 4.5, kappa: 0.1, derivative: 1.06369861968e-6 },
  { nu: 49, kappa: 100, derivative: 3.17221205927e-8 },
];
