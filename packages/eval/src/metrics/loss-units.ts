import { EvalInputError } from '../errors.ts';

/*
 * The paper reports validation losses summed over its validation set; the
 * train stage reports the mean negative ELBO per image (nats). Converting
 * between the two needs the number of images summed over, which is explicit
 * in every function here.
 */

/** Sum over `validationSize` images of a per-image mean loss. */
export function perImageToSummed(meanPerImage: number, validationSize: number): number {
  checkSize(validationSize);
  return meanPerImage * validationSize;
}

/** Per-image mean of a loss summed over `validationSize` images. */
export function summedToPerImage(summed: number, validationSize: number): number {
  checkSize(validationSize);
  return summed / validationSize;
}

function checkSize(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new EvalInputError(`validation set size must be a positive integer, got ${n}`);
}
