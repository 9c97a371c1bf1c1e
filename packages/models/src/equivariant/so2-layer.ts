// Base of the SO(2)-equivariant layers: an EquivariantLayer whose group is
// SO(2), so its equivariance is measured at rotation angles rather than at
// element indices of a finite group.
import type * as tf from '@tensorflow/tfjs-core';
import { EquivariantLayer } from './equivariant-layer.ts';
import { FieldTypeError } from './errors.ts';
import { describeFieldType, type FieldType } from './field-type.ts';
import { measureSo2Equivariance, type So2EquivarianceError, type So2EquivarianceOptions } from './so2-action.ts';

export abstract class So2EquivariantLayer extends EquivariantLayer {
  /** Measures ||F(g x) - g F(x)|| in inference mode for rotations by the given angles (default 90, 180, 270 degrees). */
  checkRotationEquivariance(x: tf.Tensor, options: So2EquivarianceOptions = {}): So2EquivarianceError[] {
    return measureSo2Equivariance((t) => this.apply(t, { training: false }) as tf.Tensor, x, this.inType, this.outType, options);
  }

  /** SO(2) has no element indices: use checkRotationEquivariance. */
  override checkEquivariance(): never {
    throw new FieldTypeError(`${this.getClassName()} is SO(2)-equivariant; measure it with checkRotationEquivariance(x, { anglesDegrees })`);
  }
}

/** Band limit of an SO(2) field type: null for trivial (scalar) fields, L for Fourier fields. Throws for other groups. */
export function so2BandLimit(type: FieldType, where: string): number | null {
  if (type.group.kind !== 'so2' || (type.representation !== 'trivial' && type.representation !== 'fourier')) {
    throw new FieldTypeError(`${where} takes trivial or fourier fields of SO(2), got ${describeFieldType(type)}`);
  }
  return type.representation === 'fourier' ? type.maxFrequency! : null;
}
