// Base of the equivariant layers: a tfjs-layers Layer that declares the
// feature type it takes and gives, refuses inputs of another type, tags its
// outputs with its output type, and can measure its own equivariance.
import * as tf from '@tensorflow/tfjs-core';
import type { serialization } from '@tensorflow/tfjs-core';
import { layers, type Shape, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { measureEquivariance, type EquivarianceCheckOptions, type EquivarianceError } from './action.ts';
import { FieldTypeError } from './errors.ts';
import { assertChannels, assertFieldType, fieldTypeOf, parseFieldType, tagFieldType, type FieldType } from './field-type.ts';

/** tfjs-layers' LayerArgs (name, trainable, inputShape, ...), which the package does not export by name. */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
/** tfjs-layers' keyword arguments of `call` (e.g. `training`). */
export type LayerKwargs = Parameters<layers.Layer['call']>[1];

type LayerInputs = tf.Tensor | tf.Tensor[] | SymbolicTensor | SymbolicTensor[];

/** The one tensor of a single-input layer. */
export function singleTensor(inputs: tf.Tensor | tf.Tensor[], where: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new FieldTypeError(`${where} takes one input, got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

/** The one shape of a single-input layer. */
export function singleShape(inputShape: Shape | Shape[], where: string): Shape {
  if (inputShape.length > 0 && Array.isArray(inputShape[0])) {
    const shapes = inputShape as Shape[];
    if (shapes.length !== 1) throw new FieldTypeError(`${where} takes one input, got ${shapes.length}`);
    return shapes[0]!;
  }
  return inputShape as Shape;
}

export function isTraining(kwargs: LayerKwargs): boolean {
  return kwargs !== undefined && kwargs !== null && kwargs.training === true;
}

export abstract class EquivariantLayer extends layers.Layer {
  abstract readonly inType: FieldType;
  abstract readonly outType: FieldType;

  /** Checks the declared type of the input tensor (if it carries one) and tags the output. */
  override apply(inputs: LayerInputs, kwargs?: LayerKwargs): LayerInputs {
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    if (first !== undefined) {
      const declared = fieldTypeOf(first);
      if (declared !== undefined) assertFieldType(this.inType, declared, `layer "${this.name}" (${this.getClassName()})`);
    }
    const out = super.apply(inputs, kwargs);
    for (const t of Array.isArray(out) ? out : [out]) tagFieldType(t, this.outType);
    return out;
  }

  /** Validates the channel axis of `inputShape` against the input type. */
  protected checkInputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.getClassName());
    assertChannels(this.inType, shape[shape.length - 1], `layer "${this.name}" (${this.getClassName()})`);
    return shape;
  }

  /**
   * Measures ||F(g x) - g F(x)|| in inference mode for elements g of the input type's
   * group (see measureEquivariance). Builds the layer on x if needed.
   */
  checkEquivariance(x: tf.Tensor, options: EquivarianceCheckOptions = {}): EquivarianceError[] {
    return measureEquivariance((t) => this.apply(t, { training: false }) as tf.Tensor, x, this.inType, this.outType, options);
  }
}

/**
 * Turns a saved layer config back into constructor arguments: the keys in
 * `typeKeys` are parsed as field types and null values (how configs store
 * absent optional arguments) are dropped.
 */
export function argsFromConfig<A>(config: serialization.ConfigDict, typeKeys: readonly string[], where: string): A {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    out[key] = typeKeys.includes(key) ? parseFieldType(value, `${where}.${key}`) : value;
  }
  return out as A;
}
