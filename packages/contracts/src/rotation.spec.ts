import { describe, expect, it } from 'vitest';
import { ContractError } from './errors.ts';
import { applyRotationTable, bilinearRotationTable, ImageRotator, createRotationPlan, rotateImage, rotateImages } from './rotation.ts';
import { mulberry32 } from './seeds.ts';

/**
 * The specification written as plainly as possible (no clipping, no padding
 * tricks, no incremental coordinates): output pixel (xo, yo) averages s x s
 * bilinear samples of the input at the inverse-rotated sub-pixel centres.
 */
function referenceRotate(src: Float64Array | Float32Array | Uint8Array, S: number, angle: number, s: number): Float64Array {
  const c = (S - 1) / 2;
  const t = (angle * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const at = (x: number, y: number): number => (x >= 0 && x < S && y >= 0 && y < S ? src[y * S + x]! : 0);
  const out = new Float64Array(S * S);
  for (let yo = 0; yo < S; yo++) {
    for (let xo = 0; xo < S; xo++) {
      let acc = 0;
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          const px = xo + (j + 0.5) / s - 0.5 - c;
          const py = yo + (i + 0.5) / s - 0.5 - c;
          // Counter-clockwise as displayed with y down: the source of output
          // point p is R(-theta) p in (x, -y) coordinates.
          const xs = c + px * cos - py * sin;
          const ys = c + px * sin + py * cos;
          const x0 = Math.floor(xs);
          const y0 = Math.floor(ys);
          const fx = xs - x0;
          const fy = ys - y0;
          acc +=
            (1 - fx) * (1 - fy) * at(x0, y0) + fx * (1 - fy) * at(x0 + 1, y0) + (1 - fx) * fy * at(x0, y0 + 1) + fx * fy * at(x0 + 1, y0 + 1);
        }
      }
      out[yo * S + xo] = acc / (s * s);
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function randomImage(S: number, seed: number, fill: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: S * S }, () => (random() < fill ? random() : 0));
}

/** np.rot90(img, k=1): out[r][x] = in[x][S-1-r] (counter-clockwise as displayed). */
function rot90(img: Uint8Array, S: number): Uint8Array {
  const out = new Uint8Array(S * S);
  for (let r = 0; r < S; r++) for (let x = 0; x < S; x++) out[r * S + x] = img[x * S + (S - 1 - r)]!;
  return out;
}

/**
 * Digit-like uint8 pictures on a 33x33 grid: a few thick strokes of ink
 * (255 in the middle, soft edges) inside the inscribed disk, at random places.
 */
const digits = (() => {
  const n = 40;
  const S = 33;
  const images = new Uint8Array(n * S * S);
  const random = mulberry32(5);
  for (let k = 0; k < n; k++) {
    for (let stroke = 0; stroke < 3; stroke++) {
      const [x0, y0, x1, y1] = [8 + 17 * random(), 8 + 17 * random(), 8 + 17 * random(), 8 + 17 * random()];
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 + 1e-9)));
          const d = Math.hypot(x - x0 - t * (x1 - x0), y - y0 - t * (y1 - y0));
          const ink = Math.round(255 * Math.max(0, Math.min(1, 2 - d)));
          const i = k * S * S + y * S + x;
          images[i] = Math.max(images[i]!, ink);
        }
      }
    }
  }
  return { images, n };
})();

describe('rotation by multiples of 90 degrees', () => {
  const S = 33;
  const img = Uint8Array.from(digits.images.subarray(5 * 1089, 6 * 1089));

  it('is exactly np.rot90 for 90, 180 and 270 degrees, and identity at 0 and 360', () => {
    const r1 = rot90(img, S);
    const r2 = rot90(r1, S);
    const r3 = rot90(r2, S);
    expect(rotateImage(img, S, 90, { supersample: 3 })).toEqual(r1);
    expect(rotateImage(img, S, 180, { supersample: 3 })).toEqual(r2);
    expect(rotateImage(img, S, 270, { supersample: 3 })).toEqual(r3);
    expect(rotateImage(img, S, -90)).toEqual(r3);
    expect(rotateImage(img, S, 450)).toEqual(r1);
    expect(rotateImage(img, S, -180)).toEqual(r2);
    expect(rotateImage(img, S, 0, { supersample: 3 })).toEqual(img);
    expect(rotateImage(img, S, 360)).toEqual(img);
  });

  it('gives the identity after four quarter turns, for uint8 and float32, odd and even sides', () => {
    for (const side of [33, 34, 5]) {
      const u8 = Uint8Array.from({ length: side * side }, (_, i) => (i * 37) % 256);
      let r = u8;
      for (let k = 0; k < 4; k++) r = rotateImage(r, side, 90);
      expect(r).toEqual(u8);
      const f32 = randomImage(side, side, 0.5);
      let f = f32;
      for (let k = 0; k < 4; k++) f = rotateImage(f, side, -90);
      expect(f).toEqual(f32);
    }
  });

  it('is a permutation plan (no arithmetic) and agrees with the bilinear map next to it', () => {
    const plan = createRotationPlan(S, 90, 3);
    expect(plan.quarterTurns).toBe(1);
    expect(plan.permutation).not.toBeNull();
    expect(createRotationPlan(S, 90.001, 1).quarterTurns).toBeNull();
    // Continuity: 1e-6 degree away, bilinear moves a pixel by < 3e-7 px.
    const f = Float32Array.from(img, (v) => v / 255);
    expect(maxAbsDiff(rotateImage(f, S, 90 + 1e-6), rotateImage(f, S, 90))).toBeLessThan(1e-5);
  });
});

describe('bilinear rotation', () => {
  it('matches a hand computation: a single dot on a 5x5 grid turned by 45 degrees', () => {
    // Dot of 1 at row 2, column 4 (right of the centre (2, 2), distance 2).
    // Turned counter-clockwise by 45 degrees it lands at x = 2 + sqrt 2,
    // y = 2 - sqrt 2 = (3.414, 0.586): up and to the right. By the inverse map
    // xs = 2 + dx cos - dy sin, ys = 2 + dx sin + dy cos (dx = xo - 2, dy = yo - 2):
    //   out(r1, c3): (xs, ys) = (2 + sqrt 2, 2)            -> 1 - (2 - sqrt 2) = sqrt 2 - 1
    //   out(r1, c4): (2 + 3/sqrt 2, 2 + 1/sqrt 2)           -> (3 - 3/sqrt 2)(1 - 1/sqrt 2)
    //   out(r0, c3): (2 + 3/sqrt 2, 2 - 1/sqrt 2)           -> the same by symmetry
    //   out(r0, c4): (2 + 2 sqrt 2, 2)                      -> 1 - (2 sqrt 2 - 2) = 3 - 2 sqrt 2
    // and every other output samples only zeros.
    const img = new Float32Array(25);
    img[2 * 5 + 4] = 1;
    const out = rotateImage(img, 5, 45);
    const r2 = Math.SQRT2;
    const expected = new Float64Array(25);
    expected[1 * 5 + 3] = r2 - 1;
    expected[1 * 5 + 4] = (3 - 3 / r2) * (1 - 1 / r2);
    expected[0 * 5 + 3] = (3 - 3 / r2) * (1 - 1 / r2);
    expected[0 * 5 + 4] = 3 - 2 * r2;
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-6);
  });

  it('turns counter-clockwise as displayed: an asymmetric L goes where np.rot90 sends it', () => {
    // 7x7 "L": a vertical bar in column 1 (rows 1..5) and a foot along row 5 (columns 1..4).
    const S = 7;
    const img = new Uint8Array(S * S);
    for (let r = 1; r <= 5; r++) img[r * S + 1] = 255;
    for (let c = 1; c <= 4; c++) img[5 * S + c] = 255;
    const r90 = rotateImage(img, S, 90);
    // Turned a quarter counter-clockwise, the bar lies along row 5 (bottom) and
    // the foot goes up column 5 (right): bar (r, 1) -> (5, r), foot (5, c) -> (6 - c, 5).
    for (let r = 1; r <= 5; r++) expect(r90[5 * S + r]).toBe(255);
    for (let c = 1; c <= 4; c++) expect(r90[(6 - c) * S + 5]).toBe(255);
    expect(r90.reduce((a, b) => a + b, 0)).toBe(img.reduce((a, b) => a + b, 0));
    // A small positive angle moves the top of the bar (above the centre) to the left.
    const tilted = rotateImage(img, S, 20);
    const leftOfBar = tilted[1 * S + 0]!;
    const rightOfBar = tilted[1 * S + 2]!;
    expect(leftOfBar).toBeGreaterThan(rightOfBar);
  });

  it('equals the plain reference implementation for random images, angles and supersampling', () => {
    const random = mulberry32(11);
    for (const S of [33, 9, 34]) {
      for (const s of [1, 2, 3]) {
        for (let trial = 0; trial < 6; trial++) {
          // fill 1.0 makes content touch the border (the padded path); 0.3 leaves
          // zero rows/columns at random places; trials 4 and 5 keep content in a
          // small off-centre box, so the row clipping decides most pixels.
          const img = randomImage(S, 100 * S + 10 * s + trial, trial % 2 === 0 ? 1 : 0.3);
          if (trial >= 4) {
            const x0 = 1 + Math.floor(random() * (S - 5));
            const y0 = 1 + Math.floor(random() * (S - 5));
            img.forEach((_, i) => {
              const x = i % S;
              const y = Math.floor(i / S);
              if (x < x0 || x > x0 + 3 || y < y0 || y > y0 + 3) img[i] = 0;
            });
          }
          const angle = -180 + 360 * random();
          const got = rotateImage(img, S, angle, { supersample: s });
          expect(maxAbsDiff(got, referenceRotate(img, S, angle, s))).toBeLessThan(2e-6);
        }
      }
    }
  });

  it('equals the reference on digit-like uint8 pictures (to rounding)', () => {
    const random = mulberry32(12);
    const rotator = new ImageRotator(33);
    const out = new Uint8Array(1089);
    for (let k = 0; k < 40; k++) {
      const angle = -180 + 360 * random();
      const s = 1 + (k % 3);
      rotator.apply(createRotationPlan(33, angle, s), digits.images, k * 1089, out, 0);
      const ref = referenceRotate(digits.images.subarray(k * 1089, (k + 1) * 1089), 33, angle, s);
      expect(maxAbsDiff(out, ref)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('keeps values within [0, 1] for float images and zero for blank ones', () => {
    const random = mulberry32(13);
    let max = 0;
    let min = 1;
    for (let k = 0; k < 50; k++) {
      const img = randomImage(15, 500 + k, 1);
      img.fill(1, 0, 60);
      const out = rotateImage(img, 15, 360 * random(), { supersample: 1 + (k % 3) });
      for (const v of out) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    expect(max).toBeLessThanOrEqual(1);
    expect(min).toBeGreaterThanOrEqual(0);
    const ones = new Float32Array(81).fill(1);
    // A constant image stays exactly 1 well inside the frame.
    expect(rotateImage(ones, 9, 33, { supersample: 3 })[4 * 9 + 4]).toBe(1);
    expect(rotateImage(new Uint8Array(81), 9, 33)).toEqual(new Uint8Array(81));
  });

  it('rotates stacks, one angle per image, without touching the input', () => {
    const n = 6;
    const stack = Uint8Array.from(digits.images.subarray(0, n * 1089));
    const copy = Uint8Array.from(stack);
    const angles = [0, 90, 33.5, -71, 33.5, 180];
    const out = rotateImages(stack, n, 33, angles, { supersample: 2 });
    expect(stack).toEqual(copy);
    for (let i = 0; i < n; i++) {
      expect(out.subarray(i * 1089, (i + 1) * 1089)).toEqual(rotateImage(stack.subarray(i * 1089, (i + 1) * 1089), 33, angles[i]!, { supersample: 2 }));
    }
    expect(() => rotateImages(stack, n, 33, angles.slice(1))).toThrow(/5 angles for 6 images/);
    expect(() => rotateImages(stack, n, 33, angles, { out: stack })).toThrow(/cannot write over its input/);
    expect(() => createRotationPlan(33, Number.NaN)).toThrow(ContractError);
    expect(() => createRotationPlan(33, 10, 9)).toThrow(/supersample must be an integer in 1..8/);
  });
});

describe('rotation tables', () => {
  it('give the bilinear map of the convention: the rotator\'s values, to float32 weights', () => {
    const random = mulberry32(21);
    for (const S of [33, 9]) {
      for (let trial = 0; trial < 5; trial++) {
        const img = randomImage(S, 700 + trial, 0.6);
        const angle = -180 + 360 * random();
        const table = bilinearRotationTable(S, S, (angle * Math.PI) / 180);
        const got = applyRotationTable(table, img, new Float32Array(S * S));
        expect(maxAbsDiff(got, referenceRotate(img, S, angle, 1))).toBeLessThan(2e-6);
        expect(maxAbsDiff(got, rotateImage(img, S, angle))).toBeLessThan(2e-6);
      }
    }
  });

  it('snap multiples of 90 degrees onto exact permutations, and leave them a hair off without snapping', () => {
    const S = 9;
    const img = randomImage(S, 31, 1);
    const quarter = bilinearRotationTable(S, S, Math.PI / 2);
    const turned = applyRotationTable(quarter, img, new Float32Array(S * S));
    expect(turned).toEqual(rotateImage(img, S, 90));
    for (let k = 0; k < S * S; k++) {
      const used = Array.from(quarter.weight.subarray(4 * k, 4 * k + 4)).filter((w) => w !== 0);
      expect(used).toEqual([1]);
    }
    const unsnapped = bilinearRotationTable(S, S, Math.PI / 2, { snapToGrid: false });
    expect(Array.from(unsnapped.weight).some((w) => w !== 0 && w !== 1)).toBe(true);
  });

  it('compute only the requested pixels, and mark taps outside the image with -1', () => {
    const S = 7;
    const targets = Int32Array.from([0, 24, 48]);
    const table = bilinearRotationTable(S, S, 0.3, { targets });
    expect(table.source).toHaveLength(12);
    const full = bilinearRotationTable(S, S, 0.3);
    for (const [k, p] of [...targets].entries()) {
      expect(Array.from(table.source.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(full.source.subarray(4 * p, 4 * p + 4)));
    }
    // The corner pixel's source lies outside the frame at 0.3 rad.
    expect(Array.from(table.source.subarray(0, 4))).toContain(-1);
    const out = new Float32Array(S * S).fill(7);
    applyRotationTable(table, new Float32Array(S * S).fill(1), out);
    expect(out[1]).toBe(7);
    expect(out[24]).toBeCloseTo(1, 6);
  });
});
