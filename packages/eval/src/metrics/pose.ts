import { applyRotationTable, bilinearRotationTable, type RotationTable } from '@sgvae/contracts/rotation';
import { EvalInputError } from '../errors.ts';
import { wrapDegrees } from './circular.ts';

/** Indices of the pixels inside the disk inscribed in the image (radius (size - 1) / 2 + 0.5). */
function diskPixels(size: number): Int32Array {
  const c = (size - 1) / 2;
  const r2 = (c + 0.5) ** 2;
  const out: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - c) ** 2 + (y - c) ** 2 <= r2) out.push(y * size + x);
  return Int32Array.from(out);
}

/**
 * The pose search's resampling: the rotation table of @sgvae/contracts for
 * `angleDeg` degrees, evaluated at `targets` (all pixels by default), without
 * grid snapping (the pose estimates were calibrated without it).
 */
function poseTable(size: number, angleDeg: number, targets?: Int32Array): RotationTable {
  return bilinearRotationTable(size, size, (angleDeg * Math.PI) / 180, { snapToGrid: false, ...(targets === undefined ? {} : { targets }) });
}

/**
 * Turns one size x size image counter-clockwise by `angleDeg` with the pose
 * search's resampling (bilinear, zero outside), e.g. a reconstruction turned
 * by its estimated pose.
 */
export function turnImage(image: ArrayLike<number>, size: number, angleDeg: number): Float32Array {
  if (image.length !== size * size) throw new EvalInputError(`turnImage: ${image.length} pixels is not ${size} x ${size}`);
  return applyRotationTable(poseTable(size, angleDeg), image, new Float32Array(size * size));
}

export interface PoseAlignerOptions {
  /** Step of the exhaustive search over the full circle, degrees. */
  coarseStepDeg?: number;
  /** Step of the second search, over +-coarseStepDeg around the coarse optimum. */
  refineStepDeg?: number;
}

export interface PoseEstimate {
  /** Angle (degrees, [-180, 180)) by which the template must be turned to match the input. */
  angle: number;
  /** Pearson correlation inside the disk at that angle, in [-1, 1]. */
  correlation: number;
}

/**
 * Estimates the pose of an input relative to an upright template (the VAE's
 * reconstruction): the angle that maximises the correlation of the turned
 * template with the input, over the pixels inside the inscribed disk (outside
 * it, corners rotate out of the frame and would bias the score). A coarse
 * exhaustive search uses precomputed bilinear tables, then a finer search
 * around the best coarse angle and a parabola through the best three fine
 * samples give sub-step resolution.
 */
export class PoseAligner {
  readonly size: number;
  readonly coarseStepDeg: number;
  readonly refineStepDeg: number;
  private readonly disk: Int32Array;
  private readonly coarseAngles: number[];
  private readonly coarseTables: RotationTable[];
  private readonly scratch: Float32Array;

  constructor(size: number, options: PoseAlignerOptions = {}) {
    const coarse = options.coarseStepDeg ?? 2;
    const refine = options.refineStepDeg ?? 0.25;
    if (!(coarse > 0 && coarse <= 90)) throw new EvalInputError(`coarseStepDeg must be in (0, 90], got ${coarse}`);
    if (!(refine > 0 && refine <= coarse)) throw new EvalInputError(`refineStepDeg must be in (0, coarseStepDeg], got ${refine}`);
    this.size = size;
    this.coarseStepDeg = coarse;
    this.refineStepDeg = refine;
    this.disk = diskPixels(size);
    const steps = Math.round(360 / coarse);
    this.coarseAngles = Array.from({ length: steps }, (_, i) => -180 + (i * 360) / steps);
    this.coarseTables = this.coarseAngles.map((a) => poseTable(size, a, this.disk));
    this.scratch = new Float32Array(size * size);
  }

  /** Pose of `input` relative to `template` (both size x size). */
  estimate(input: ArrayLike<number>, template: ArrayLike<number>): PoseEstimate {
    const n2 = this.size * this.size;
    if (input.length !== n2 || template.length !== n2) {
      throw new EvalInputError(`PoseAligner.estimate: images must have ${n2} pixels, got ${input.length} and ${template.length}`);
    }
    const stats = this.inputStats(input);
    let best = 0;
    let bestScore = -Infinity;
    this.coarseTables.forEach((table, i) => {
      const score = this.score(table, input, template, stats);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    const centre = this.coarseAngles[best];
    const half = Math.round(this.coarseStepDeg / this.refineStepDeg);
    const fine: { angle: number; score: number }[] = [];
    for (let k = -half; k <= half; k++) {
      const angle = centre + k * this.refineStepDeg;
      fine.push({ angle, score: this.score(poseTable(this.size, angle, this.disk), input, template, stats) });
    }
    let bi = 0;
    fine.forEach((f, i) => {
      if (f.score > fine[bi].score) bi = i;
    });
    let angle = fine[bi].angle;
    let correlation = fine[bi].score;
    if (bi > 0 && bi < fine.length - 1) {
      const [a, b, c] = [fine[bi - 1].score, fine[bi].score, fine[bi + 1].score];
      const denom = a - 2 * b + c;
      if (denom < 0) {
        const offset = (0.5 * (a - c)) / denom;
        if (Math.abs(offset) <= 1) angle += offset * this.refineStepDeg;
      }
    }
    if (!Number.isFinite(correlation)) correlation = 0;
    return { angle: wrapDegrees(angle), correlation: Math.max(-1, Math.min(1, correlation)) };
  }

  private inputStats(input: ArrayLike<number>): { mean: number; norm: number } {
    const disk = this.disk;
    let s = 0;
    for (let k = 0; k < disk.length; k++) s += input[disk[k]];
    const mean = s / disk.length;
    let v = 0;
    for (let k = 0; k < disk.length; k++) v += (input[disk[k]] - mean) ** 2;
    return { mean, norm: Math.sqrt(v) };
  }

  private score(table: RotationTable, input: ArrayLike<number>, template: ArrayLike<number>, stats: { mean: number; norm: number }): number {
    const turned = applyRotationTable(table, template, this.scratch);
    const disk = this.disk;
    // One pass: sum, sum of squares and cross-product (float64 accumulators; values are in [0, 1]).
    let s = 0;
    let ss = 0;
    let c = 0;
    for (let k = 0; k < disk.length; k++) {
      const i = disk[k];
      const t = turned[i];
      s += t;
      ss += t * t;
      c += t * (input[i] - stats.mean);
    }
    const v = ss - (s * s) / disk.length;
    const denom = Math.sqrt(Math.max(0, v)) * stats.norm;
    // A blank template or input has no pose; score every angle equally low.
    return denom > 0 ? c / denom : -1;
  }
}
