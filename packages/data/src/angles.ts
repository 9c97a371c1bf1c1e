// Drawing rotation angles from a RotationSpec. Angles are rounded to float32
// before use because that is how they are stored (angles.f32): a consumer
// that re-applies a stored angle then reproduces the stored image exactly.

import { gridAngles, type RotationSpec } from './params.ts';
import type { Rng } from './prng.ts';

/**
 * One angle in degrees: 0 for `none`, uniform in [min, max) for `uniform`,
 * a uniformly chosen entry for `choice` and `grid` (augmentation uses a grid
 * as a set of allowed angles; dataset building expands it instead).
 * Consumes one `nextFloat` (uniform) or one `nextInt` (choice, grid) draw.
 */
export function drawAngle(spec: RotationSpec, rng: Rng): number {
  switch (spec.kind) {
    case 'none':
      return 0;
    case 'uniform':
      return Math.fround(spec.min + (spec.max - spec.min) * rng.nextFloat());
    case 'choice':
      return Math.fround(spec.angles[rng.nextInt(spec.angles.length)]!);
    case 'grid': {
      const angles = gridAngles(spec);
      return Math.fround(angles[rng.nextInt(angles.length)]!);
    }
  }
}

/** `count` angles drawn in order with `drawAngle`. */
export function drawAngles(spec: RotationSpec, count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  if (spec.kind === 'grid') {
    const angles = gridAngles(spec);
    for (let i = 0; i < count; i++) out[i] = angles[rng.nextInt(angles.length)]!;
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = drawAngle(spec, rng);
  return out;
}
