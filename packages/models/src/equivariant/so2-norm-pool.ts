// Invariant map by norms (escnn's NormPool): each
// Fourier field of band limit L becomes L + 1 invariant scalars, its
// frequency-0 coefficient (already invariant, kept with its sign) and the
// length of each frequency-k pair. Rotations only turn the pairs, so the
// fibre part is exactly invariant at every angle. Unlike a 1x1 steerable
// convolution to trivial fields, which can only read frequency 0, this keeps
// the energy of every frequency.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError } from './errors.ts';
import { SO2_GROUP, describeFieldType, fieldTypeToJson, trivialFields, type FieldType } from './field-type.ts';
import { So2EquivariantLayer } from './so2-layer.ts';

export interface So2NormPoolArgs extends BaseLayerArgs {
  /** Fourier fields of SO(2). */
  inType: FieldType;
}

// Inside the square root: keeps the gradient finite for a pair that is exactly 0.
const NORM_EPSILON = 1e-8;

export class So2NormPool extends So2EquivariantLayer {
  static readonly className = 'So2NormPool';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly maxFrequency: number;

  constructor(args: So2NormPoolArgs) {
    super(args);
    if (args.inType.group.kind !== 'so2' || args.inType.representation !== 'fourier') {
      throw new FieldTypeError(`So2NormPool takes fourier fields of SO(2), got ${describeFieldType(args.inType)}`);
    }
    this.inType = args.inType;
    this.maxFrequency = args.inType.maxFrequency!;
    this.outType = trivialFields(SO2_GROUP, args.inType.fields * (this.maxFrequency + 1));
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, So2NormPool.className);
      const lead = x.shape.slice(0, -1);
      const F = this.inType.fields;
      const L = this.maxFrequency;
      const fields = tf.reshape(x, [...lead, F, 2 * L + 1]);
      const zero = lead.map(() => 0);
      const all = lead.map(() => -1);
      const f0 = tf.slice(fields, [...zero, 0, 0], [...all, F, 1]);
      if (L === 0) return tf.reshape(f0, [...lead, F]);
      const pairs = tf.reshape(tf.slice(fields, [...zero, 0, 1], [...all, F, 2 * L]), [...lead, F, L, 2]);
      const norms = tf.sqrt(tf.add(tf.sum(tf.square(pairs), -1), NORM_EPSILON));
      return tf.reshape(tf.concat([f0, norms], -1), [...lead, F * (L + 1)]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [...shape.slice(0, -1), this.outType.fields];
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<So2NormPoolArgs>(config, ['inType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), inType: fieldTypeToJson(this.inType) };
  }
}

serialization.registerClass(So2NormPool);
