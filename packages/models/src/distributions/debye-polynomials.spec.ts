import { describe, expect, it } from 'vitest';
import { debyePolynomials } from './debye-polynomials.ts';

describe('debyePolynomials', () => {
  const u = debyePolynomials(9);

  it('reproduces the closed forms of u_1 .. u_4 (DLMF 10.41.10)', () => {
    const closed: Record<number, [number, number][]> = {
      1: [[1, 3 / 24], [3, -5 / 24]],
      2: [[2, 81 / 1152], [4, -462 / 1152], [6, 385 / 1152]],
      3: [[3, 30375 / 414720], [5, -369603 / 414720], [7, 765765 / 414720], [9, -425425 / 414720]],
      4: [
        [4, 4465125 / 39813120],
        [6, -94121676 / 39813120],
        [8, 349922430 / 39813120],
        [10, -446185740 / 39813120],
        [12, 185910725 / 39813120],
      ],
    };
    for (const [k, terms] of Object.entries(closed)) {
      const poly = u[Number(k)];
      const expected = new Array<number>(poly.length).fill(0);
      for (const [e, c] of terms) expected[e] = c;
      poly.forEach((c, e) => expect(c).toBeCloseTo(expected[e], 12));
    }
  });

  it('has u_k(1) equal to the Stirling-series coefficients of 1/Gamma (1/12, 1/288, ...)', () => {
    const at1 = (k: number) => u[k].reduce((s, c) => s + c, 0);
    // I_nu(nu z) at z -> 0 reduces to (nu z / 2)^nu / Gamma(nu + 1), so sum u_k(1)/nu^k = Stirling series of 1/Gamma.
    expect(at1(1)).toBeCloseTo(-1 / 12, 14);
    expect(at1(2)).toBeCloseTo(1 / 288, 14);
    expect(at1(3)).toBeCloseTo(139 / 51840, 14);
  });

  it('has the Hankel coefficients at the p = 0 end (leading power p^k)', () => {
    // u_k(p)/p^k at p = 0 equals prod_{i<=k} (2i-1)^2 / (k! 8^k).
    let hankel = 1;
    for (let k = 1; k <= 9; k++) {
      hankel *= (2 * k - 1) ** 2 / (8 * k);
      expect(u[k][k] / hankel).toBeCloseTo(1, 12);
    }
  });
});
