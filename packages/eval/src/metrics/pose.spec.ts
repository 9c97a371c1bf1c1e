import { rotateImage as rotateLikeTheDataStage } from '@sgvae/contracts';
import { describe, expect, it } from 'vitest';
import { circularDistance } from './circular.ts';
import { PoseAligner, turnImage as rotateImage } from './pose.ts';

const SIZE = 33;

/** An asymmetric test picture: a thick "L" and an off-centre blob, smooth enough for bilinear resampling. */
function asymmetricImage(): Float32Array {
  const img = new Float32Array(SIZE * SIZE);
  const blob = (cx: number, cy: number, s: number, w: number) => {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) img[y * SIZE + x] += w * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
  };
  for (let t = 0; t <= 10; t++) blob(10, 6 + t, 1.5, 0.6); // vertical bar
  for (let t = 0; t <= 8; t++) blob(10 + t, 16, 1.5, 0.6); // foot
  blob(23, 8, 2.2, 1); // blob top right
  return img.map((v) => Math.min(1, v));
}

describe('rotation', () => {
  it('turns counter-clockwise as displayed: a pixel right of centre goes above it at 90 degrees', () => {
    const img = new Float32Array(SIZE * SIZE);
    const c = (SIZE - 1) / 2;
    img[c * SIZE + (c + 5)] = 1;
    const turned = rotateImage(img, SIZE, 90);
    expect(turned[(c - 5) * SIZE + c]).toBeCloseTo(1, 5);
  });

  it('is exact for a quarter turn and invertible', () => {
    const img = asymmetricImage();
    const back = rotateImage(rotateImage(img, SIZE, 90), SIZE, -90);
    // Quarter turns map pixels onto pixels; only the corners leave the frame.
    const c = (SIZE - 1) / 2;
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
      if ((x - c) ** 2 + (y - c) ** 2 <= c * c) expect(back[y * SIZE + x]).toBeCloseTo(img[y * SIZE + x], 5);
    }
  });
});

describe('pose recovery', () => {
  const aligner = new PoseAligner(SIZE, { coarseStepDeg: 2, refineStepDeg: 0.25 });
  const template = asymmetricImage();

  it.each([37, -123, 179, 0, 90.5])('recovers a known rotation of %s degrees within the grid resolution', (angle) => {
    const input = rotateImage(template, SIZE, angle);
    const pose = aligner.estimate(input, template);
    expect(circularDistance(pose.angle, angle)).toBeLessThanOrEqual(aligner.coarseStepDeg);
    expect(circularDistance(pose.angle, angle)).toBeLessThan(1);
    expect(pose.correlation).toBeGreaterThan(0.95);
  });

  it('uses the data stage\'s angle convention: recovers angles.f32 of images it rotated', () => {
    for (const angle of [37, -123, 90]) {
      const input = rotateLikeTheDataStage(template, SIZE, angle, { supersample: 3 });
      expect(circularDistance(aligner.estimate(input, template).angle, angle)).toBeLessThan(1);
    }
  });

  it('turning the template by the estimate puts it back in the input pose', () => {
    const input = rotateImage(template, SIZE, -61);
    const pose = aligner.estimate(input, template);
    const reposed = rotateImage(template, SIZE, pose.angle);
    let err = 0;
    for (let i = 0; i < input.length; i++) err += (reposed[i] - input[i]) ** 2;
    expect(err / input.length).toBeLessThan(1e-3);
  });

  it('gives correlation 0 at most for a blank template instead of NaN', () => {
    const pose = aligner.estimate(template, new Float32Array(SIZE * SIZE));
    expect(Number.isFinite(pose.angle)).toBe(true);
    expect(pose.correlation).toBeLessThanOrEqual(0);
  });
});
