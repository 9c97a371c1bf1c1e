// Synthetic datasets and stand-in models with known answers, for tests that
// exercise the evaluation without TensorFlow. Each image carries its label and
// angle in two corner pixels (outside the inscribed disk, so rotation and pose
// alignment never touch them): the stand-in models read these tags and thus
// behave exactly as specified (perfect, constant, or turning with the input).
import { DEFAULT_EVAL_PARAMS, type EvalParams } from '../params.ts';
import { turnImage } from '../metrics/pose.ts';
import { mulberry32 } from '@sgvae/contracts';
import type { Encoding, JudgeRunner, LabelledImages, RotationGrid, VaeRunner } from '../run/types.ts';

export const SYNTH_SIZE = 17;
const PX = SYNTH_SIZE * SYNTH_SIZE;
const LABEL_TAG = 0;
const ANGLE_TAG = 1;

/** An asymmetric picture per class: a bar whose position and a blob whose angle depend on the class. */
export function classTemplate(label: number): Float32Array {
  const img = new Float32Array(PX);
  const c = (SYNTH_SIZE - 1) / 2;
  const blob = (cx: number, cy: number, s: number, w: number) => {
    for (let y = 0; y < SYNTH_SIZE; y++) for (let x = 0; x < SYNTH_SIZE; x++) img[y * SYNTH_SIZE + x] += w * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
  };
  for (let t = -3; t <= 3; t++) blob(c - 2 + (label % 3), c + t, 1.1, 0.5);
  const a = (label * 2 * Math.PI) / 10 + 0.3;
  blob(c + 4.5 * Math.cos(a), c - 4.5 * Math.sin(a), 1.4, 1);
  for (let i = 0; i < PX; i++) img[i] = Math.min(1, img[i]);
  return img;
}

function tag(img: Float32Array, offset: number, label: number, angle: number): void {
  img[offset + LABEL_TAG] = (label + 1) / 16;
  img[offset + ANGLE_TAG] = (((angle % 360) + 360) % 360) / 360;
}

const readLabel = (images: Float32Array, i: number) => Math.round(images[i * PX + LABEL_TAG] * 16) - 1;
const readAngle = (images: Float32Array, i: number) => images[i * PX + ANGLE_TAG] * 360;

function build(labels: number[], angles: number[]): LabelledImages {
  const images = new Float32Array(labels.length * PX);
  labels.forEach((l, i) => {
    images.set(angles[i] === 0 ? classTemplate(l) : turnImage(classTemplate(l), SYNTH_SIZE, angles[i]), i * PX);
    tag(images, i * PX, l, angles[i]);
  });
  return { images, labels: Uint8Array.from(labels), angles: Float32Array.from(angles), count: labels.length, size: SYNTH_SIZE };
}

export interface SyntheticData {
  upright: LabelledImages;
  rotated: LabelledImages;
  grid: RotationGrid;
}

export function syntheticData(perClass = 6, gridDigits = 3, seed = 1): SyntheticData {
  const random = mulberry32(seed);
  const labels = Array.from({ length: 10 * perClass }, (_, i) => i % 10);
  const angles = labels.map(() => Math.round(random() * 3600) / 10 - 180);
  const gridAngles = Array.from({ length: 36 }, (_, a) => a * 10);
  const gridLabels = Array.from({ length: gridDigits }, (_, d) => (d * 3) % 10);
  const grid = build(
    gridLabels.flatMap((l) => gridAngles.map(() => l)),
    gridLabels.flatMap(() => gridAngles),
  );
  return {
    upright: build(labels, labels.map(() => 0)),
    rotated: build(labels, angles),
    grid: { set: grid, angles: gridAngles, digits: gridDigits, uprightAngleIndex: 0, digitLabels: Uint8Array.from(gridLabels) },
  };
}

function decodeTemplates(classes: number[]): Float32Array {
  const out = new Float32Array(classes.length * PX);
  classes.forEach((c, i) => {
    out.set(classTemplate(c), i * PX);
    tag(out, i * PX, c, 0);
  });
  return out;
}

/** Encodes the label as a one-hot direction and decodes it to the upright template: a perfect, invariant VAE. */
export function perfectVae(name = 'perfect'): VaeRunner {
  return {
    name,
    label: 'Perfect',
    kind: 'sgvae',
    latentDim: 10,
    imageSize: SYNTH_SIZE,
    seed: 1,
    async encode(images, count): Promise<Encoding> {
      const mu = new Float32Array(count * 10);
      for (let i = 0; i < count; i++) mu[i * 10 + readLabel(images, i)] = 1;
      return { mu, kappa: new Float32Array(count).fill(100) };
    },
    async decode(z, count) {
      return decodeTemplates(Array.from({ length: count }, (_, i) => z.subarray(i * 10, i * 10 + 10).indexOf(1)));
    },
  };
}

/** Ignores its input: one direction, one reconstruction (of class 0). */
export function constantVae(name = 'constant'): VaeRunner {
  return {
    name,
    label: 'Constant',
    kind: 'svae',
    latentDim: 3,
    imageSize: SYNTH_SIZE,
    async encode(_images, count) {
      const mu = new Float32Array(count * 3);
      for (let i = 0; i < count; i++) mu[i * 3] = 1;
      return { mu, kappa: new Float32Array(count).fill(1) };
    },
    async decode(_z, count) {
      return decodeTemplates(new Array(count).fill(0));
    },
  };
}

/** mu turns with the input: (cos angle, sin angle, 0), so cos(mu(theta), mu(0)) = cos(theta). */
export function turningVae(name = 'turning'): VaeRunner {
  return {
    name,
    label: 'Turning',
    kind: 'svae-aug',
    latentDim: 3,
    imageSize: SYNTH_SIZE,
    async encode(images, count) {
      const mu = new Float32Array(count * 3);
      for (let i = 0; i < count; i++) {
        const a = (readAngle(images, i) * Math.PI) / 180;
        mu[i * 3] = Math.cos(a);
        mu[i * 3 + 1] = Math.sin(a);
      }
      return { mu, kappa: new Float32Array(count).fill(10) };
    },
    async decode(_z, count) {
      return decodeTemplates(new Array(count).fill(1));
    },
  };
}

/** Reads the label tag: always right. */
export function oracleJudge(): JudgeRunner {
  return {
    label: 'oracle judge',
    imageSize: SYNTH_SIZE,
    async classify(images, count) {
      return Uint8Array.from({ length: count }, (_, i) => readLabel(images, i));
    },
  };
}

export function syntheticParams(overrides: Partial<EvalParams> = {}): EvalParams {
  return {
    ...DEFAULT_EVAL_PARAMS,
    bootstrapResamples: 200,
    limits: { ...DEFAULT_EVAL_PARAMS.limits, pose: 40, latentPoints: 40 },
    figures: { pixelScale: 2, sixNineColumns: 4 },
    ...overrides,
  };
}

/** MNIST-shaped 28x28 stand-in digits (a data-stage source): the class templates, centred. */
export function mnistLikeDigits(count: number): { pixels: Uint8Array; labels: Uint8Array; count: number; rows: number; cols: number } {
  const pixels = new Uint8Array(count * 28 * 28);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const off = (28 - SYNTH_SIZE) >> 1;
  labels.forEach((l, i) => {
    const t = classTemplate(l);
    for (let y = 0; y < SYNTH_SIZE; y++) for (let x = 0; x < SYNTH_SIZE; x++) pixels[i * 784 + (y + off) * 28 + x + off] = Math.round(255 * t[y * SYNTH_SIZE + x]);
  });
  return { pixels, labels, count, rows: 28, cols: 28 };
}
