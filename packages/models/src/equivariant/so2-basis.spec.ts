import { describe, expect, it } from 'vitest';
import { defaultRings, rot90Grid } from './basis.ts';
import { BasisError } from './errors.ts';
import {
  fieldFrequencies,
  irrepMatrix,
  irrepSize,
  sampleSo2Element,
  so2Basis,
  so2BasisSize,
  steeredBlock,
  type So2BasisElement,
} from './so2-basis.ts';

/** a [r x k] times b [k x c], row-major. */
function mul(a: number[], r: number, k: number, b: number[], c: number): number[] {
  const out = new Array<number>(r * c).fill(0);
  for (let i = 0; i < r; i++) for (let t = 0; t < k; t++) for (let j = 0; j < c; j++) out[i * c + j]! += a[i * k + t]! * b[t * c + j]!;
  return out;
}

/** One element's k x k grid of component (i, o), row-major. */
function component(values: Float64Array, kernelSize: number, dIn: number, dOut: number, i: number, o: number): number[] {
  return Array.from({ length: kernelSize * kernelSize }, (_, p) => values[(p * dIn + i) * dOut + o]!);
}

describe('SO(2) steerable basis (escnn SO(2) solution)', () => {
  it('has the allowed angular frequencies m - n and m + n, cut per ring: counts for kernel 5', () => {
    // Rings of kernel 5: r = 0 (cut-off 0), 1 and 2 (cut-off 2).
    const count = (n: number, m: number): number => so2BasisSize(5, [n], [m]);
    expect(count(0, 0)).toBe(3); // frequency 0 on all three rings
    expect(count(0, 1)).toBe(4); // frequency 1, two elements on rings 1 and 2
    expect(count(2, 0)).toBe(4);
    expect(count(1, 1)).toBe(6 + 4); // I and J on three rings; frequency 2 (F, FJ) on two
    expect(count(1, 2)).toBe(4); // |m - n| = 1 on two rings; m + n = 3 exceeds every cut-off
    expect(count(3, 1)).toBe(4);
    expect(count(3, 3)).toBe(6);
    expect(() => count(0, 3)).toThrow(BasisError); // frequency 3 > 2 on every ring
    const L3 = fieldFrequencies(3);
    expect(so2BasisSize(5, [0], L3)).toBe(11);
    expect(so2BasisSize(5, L3, L3)).toBe(65);
    expect(so2BasisSize(1, L3, [0])).toBe(1); // a 1x1 kernel only reads frequency 0
    const rings = defaultRings(5);
    for (const el of so2Basis(5, L3, L3).elements) expect(el.angularFrequency).toBeLessThanOrEqual(rings[el.ring]!.maxFrequency);
  });

  it('samples rho_m(phi) K0 rho_n(-phi) times the ring profile, analytically at every pixel', () => {
    const basis = so2Basis(5, [0, 1, 2], [0, 1, 2]);
    for (const el of basis.elements) {
      const dIn = irrepSize(el.inFrequency);
      const dOut = irrepSize(el.outFrequency);
      const v = sampleSo2Element(el, 5);
      for (let row = 0; row < 5; row++) {
        for (let col = 0; col < 5; col++) {
          const [x, y] = [col - 2, 2 - row];
          if (x === 0 && y === 0) continue;
          const radial = Math.exp(-((Math.hypot(x, y) - el.radius) ** 2) / (2 * el.sigma ** 2));
          const want = steeredBlock(el, Math.atan2(y, x));
          for (let o = 0; o < dOut; o++) {
            for (let i = 0; i < dIn; i++) expect(v[((row * 5 + col) * dIn + i) * dOut + o]).toBeCloseTo(radial * want[o * dIn + i]!, 12);
          }
        }
      }
    }
  });

  it('satisfies the steerability constraint kappa(g q) = rho_m(g) kappa(q) rho_n(g)^-1 at any angle', () => {
    const el: So2BasisElement = { inFrequency: 2, outFrequency: 3, angularFrequency: 5, block: 'flip', ring: 2, radius: 2, sigma: 0.4 };
    for (const [phi, alpha] of [
      [0.3, 1.1],
      [2.0, -0.7],
    ] as const) {
      const lhs = steeredBlock(el, phi + alpha);
      const rhs = mul(mul(irrepMatrix(3, alpha), 2, 2, steeredBlock(el, phi), 2), 2, 2, irrepMatrix(2, -alpha), 2);
      lhs.forEach((v, i) => expect(v).toBeCloseTo(rhs[i]!, 12));
    }
  });

  it('makes a quarter turn of every element an exact pixel permutation with the irreps applied', () => {
    const basis = so2Basis(5, fieldFrequencies(3), fieldFrequencies(3));
    for (const el of basis.elements) {
      const dIn = irrepSize(el.inFrequency);
      const dOut = irrepSize(el.outFrequency);
      const v = sampleSo2Element(el, 5);
      const r90out = irrepMatrix(el.outFrequency, Math.PI / 2);
      const r90inInv = irrepMatrix(el.inFrequency, -Math.PI / 2);
      // Rotated grid of each component, then the fibre action mixes components.
      const turned = Array.from({ length: dIn * dOut }, (_, t) => rot90Grid(component(v, 5, dIn, dOut, Math.floor(t / dOut), t % dOut), 5, 1));
      for (let p = 0; p < 25; p++) {
        const block = Array.from({ length: dOut * dIn }, (_, t) => turned[(t % dIn) * dOut + Math.floor(t / dIn)]![p]!);
        const want = mul(mul(r90out, dOut, dOut, block, dIn), dOut, dIn, r90inInv, dIn);
        for (let o = 0; o < dOut; o++) for (let i = 0; i < dIn; i++) expect(v[(p * dIn + i) * dOut + o]! + 0).toBe(want[o * dIn + i]! + 0);
      }
    }
  });

  it('gives every reachable output channel the same basis energy S (He fan-in), unreachable ones none', () => {
    const L3 = fieldFrequencies(3);
    for (const [inF, outF] of [
      [L3, L3],
      [[0], L3],
    ] as const) {
      const b = so2Basis(5, inF, outF);
      const S = b.elements.length;
      const rows = 25 * b.inSize * b.outSize;
      const energy = new Array<number>(b.outSize).fill(0);
      for (let s = 0; s < S; s++) for (let r = 0; r < rows; r++) energy[r % b.outSize]! += b.values[s * rows + r]! ** 2;
      energy.forEach((e, o) => {
        // Lifting: nothing reaches frequency 3 (channels 5, 6) from a scalar with cut-off 2.
        if (inF.length === 1 && o >= 5) expect(e).toBe(0);
        else expect(e).toBeCloseTo(S, 9);
      });
    }
  });

  it('refuses even kernels and frequency pairs that no ring can couple', () => {
    expect(() => so2Basis(4, [0], [1])).toThrow(/odd kernel size/);
    expect(() => so2Basis(5, [0], [4])).toThrow(/no SO\(2\)-steerable element from frequencies \[0\] to \[4\]/);
    expect(() => so2Basis(5, [-1], [0])).toThrow(BasisError);
  });
});
