// Polynomials u_k(p) of the uniform asymptotic (Debye) expansion
//   I_nu(nu z) ~ e^{nu eta} / (sqrt(2 pi nu) (1 + z^2)^{1/4}) * sum_k u_k(p) / nu^k,  p = 1/sqrt(1 + z^2)
// (DLMF 10.41.3), generated from the recurrence DLMF 10.41.10
//   u_{k+1}(p) = p^2 (1 - p^2) u_k'(p) / 2 + (1/8) int_0^p (1 - 5 t^2) u_k(t) dt
// in float64. u_k has only the powers p^k, p^{k+2}, ..., p^{3k}, and
// u_k(p) / nu^k = P_k(p^2) / S^k with S = sqrt(nu^2 + kappa^2); max over p of
// |P_k| is the Hankel coefficient at p = 0 (0.125, 0.0703, 0.0732, 0.112, 0.227,
// 0.572, 1.73, 6.06, 24.3 for k = 1..9), so with S >= 16 and 8 terms the first
// omitted term is below 24.3 / 16^9 = 3.5e-10.

/** `result[k][e]` is the coefficient of p^e in u_k(p), for k = 0..count. */
export function debyePolynomials(count: number): number[][] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const polys: number[][] = [[1]];
  for (let k = 0; k < count; k++) {
    const u = polys[k];
    const next = new Array<number>(u.length + 3).fill(0);
    for (let e = 0; e < u.length; e++) {
      const c = u[e];
      if (c === 0) continue;
      if (e > 0) {
        // p^2 (1 - p^2) * e c p^{e-1} / 2
        next[e + 1] += (e * c) / 2;
        next[e + 3] -= (e * c) / 2;
      }
      // (1/8) * c * (p^{e+1} / (e+1) - 5 p^{e+3} / (e+3))
      next[e + 1] += c / 8 / (e + 1);
      next[e + 3] -= (5 * c) / 8 / (e + 3);
    }
    polys.push(next);
  }
  return polys;
}
