import { EvalInputError } from '../errors.ts';
import { checkRows, cosineSimilarity, meanSquaredError, row } from './vectors.ts';

/**
 * How a model's embedding and reconstruction follow a digit turned through a
 * full circle. The inputs are laid out digit-major: item `d * angles.length + a`
 * is digit d turned by angles[a]; `reference[d]` is what each turned copy is
 * compared with (mu of the upright digit, the upright image).
 */
export interface RotationGridLayout {
  /** Angles of the grid in degrees, in the order the items repeat. */
  angles: readonly number[];
  /** Number of distinct digits. */
  digits: number;
}

export interface InvarianceCurve {
  angles: number[];
  /** Mean over digits of the value at each angle. */
  mean: number[];
  /** Standard deviation over digits at each angle. */
  std: number[];
}

function curveFrom(values: Float64Array, layout: RotationGridLayout): InvarianceCurve {
  const na = layout.angles.length;
  const mean = new Array<number>(na).fill(0);
  const std = new Array<number>(na).fill(0);
  for (let a = 0; a < na; a++) {
    let s = 0;
    for (let d = 0; d < layout.digits; d++) s += values[d * na + a];
    const m = s / layout.digits;
    let v = 0;
    for (let d = 0; d < layout.digits; d++) v += (values[d * na + a] - m) ** 2;
    mean[a] = m;
    std[a] = layout.digits > 1 ? Math.sqrt(v / (layout.digits - 1)) : 0;
  }
  return { angles: [...layout.angles], mean, std };
}

function checkLayout(items: number, layout: RotationGridLayout, what: string): void {
  if (items !== layout.digits * layout.angles.length) {
    throw new EvalInputError(
      `${what}: ${items} items, but the grid has ${layout.digits} digits x ${layout.angles.length} angles`,
    );
  }
}

/** Cosine similarity between each turned digit's vector and its reference vector, per angle. */
export function cosineCurve(
  vectors: Float32Array,
  references: Float32Array,
  dim: number,
  layout: RotationGridLayout,
): InvarianceCurve {
  checkLayout(checkRows(vectors, dim, 'cosineCurve vectors'), layout, 'cosineCurve');
  if (checkRows(references, dim, 'cosineCurve references') !== layout.digits) {
    throw new EvalInputError(`cosineCurve: ${references.length / dim} reference vectors for ${layout.digits} digits`);
  }
  const na = layout.angles.length;
  const values = new Float64Array(layout.digits * na);
  for (let d = 0; d < layout.digits; d++) {
    const ref = row(references, dim, d);
    for (let a = 0; a < na; a++) values[d * na + a] = cosineSimilarity(row(vectors, dim, d * na + a), ref);
  }
  return curveFrom(values, layout);
}

/** Mean squared error (per pixel) between each turned digit's reconstruction and its reference image, per angle. */
export function reconstructionErrorCurve(
  reconstructions: Float32Array,
  references: Float32Array,
  pixels: number,
  layout: RotationGridLayout,
): InvarianceCurve {
  checkLayout(checkRows(reconstructions, pixels, 'reconstructionErrorCurve'), layout, 'reconstructionErrorCurve');
  if (checkRows(references, pixels, 'reconstructionErrorCurve references') !== layout.digits) {
    throw new EvalInputError(`reconstructionErrorCurve: ${references.length / pixels} reference images for ${layout.digits} digits`);
  }
  const na = layout.angles.length;
  const values = new Float64Array(layout.digits * na);
  for (let d = 0; d < layout.digits; d++) {
    const ref = row(references, pixels, d);
    for (let a = 0; a < na; a++) values[d * na + a] = meanSquaredError(row(reconstructions, pixels, d * na + a), ref);
  }
  return curveFrom(values, layout);
}

/** Fraction of digits classified correctly at each angle of the grid. */
export function accuracyCurve(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  layout: RotationGridLayout,
): InvarianceCurve {
  checkLayout(predictions.length, layout, 'accuracyCurve');
  if (labels.length !== layout.digits) throw new EvalInputError(`accuracyCurve: ${labels.length} labels for ${layout.digits} digits`);
  const na = layout.angles.length;
  const values = new Float64Array(layout.digits * na);
  for (let d = 0; d < layout.digits; d++) {
    for (let a = 0; a < na; a++) values[d * na + a] = predictions[d * na + a] === labels[d] ? 1 : 0;
  }
  return curveFrom(values, layout);
}

/**
 * One number per curve: the mean over the angles of the grid, leaving out the
 * angles listed in `exclude` (by default 0 degrees, where the comparison is
 * with the item itself and says nothing about invariance).
 */
export function curveSummary(curve: InvarianceCurve, exclude: readonly number[] = [0]): number {
  let s = 0;
  let n = 0;
  curve.angles.forEach((angle, i) => {
    const wrapped = ((angle % 360) + 360) % 360;
    if (exclude.some((e) => ((e % 360) + 360) % 360 === wrapped)) return;
    s += curve.mean[i];
    n++;
  });
  if (n === 0) throw new EvalInputError('curveSummary: every angle of the curve is excluded');
  return s / n;
}
