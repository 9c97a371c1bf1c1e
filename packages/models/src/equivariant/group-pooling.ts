// Group pooling (escnn GroupPooling): the max or mean over the N orientation
// channels of each regular field, one trivial (invariant) channel per field.
// The orientation shift only permutes the pooled channels, so the fibre part
// is exactly invariant for every element of C_N.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, LayerArgumentError } from './errors.ts';
import { describeFieldType, fieldSize, fieldTypeToJson, trivialFields, type FieldType } from './field-type.ts';

export interface GroupPoolingArgs extends BaseLayerArgs {
  /** Regular fields of C_N. */
  inType: FieldType;
  /** Default max. */
  mode?: 'max' | 'mean';
}

export class GroupPooling extends EquivariantLayer {
  static readonly className = 'GroupPooling';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly mode: 'max' | 'mean';

  constructor(args: GroupPoolingArgs) {
    super(args);
    if (args.inType.representation !== 'regular') {
      throw new FieldTypeError(`GroupPooling pools regular fields, got ${describeFieldType(args.inType)}`);
    }
    this.inType = args.inType;
    this.outType = trivialFields(args.inType.group, args.inType.fields);
    this.mode = args.mode ?? 'max';
    if (this.mode !== 'max' && this.mode !== 'mean') throw new LayerArgumentError(`GroupPooling: mode must be 'max' or 'mean', got ${String(this.mode)}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, GroupPooling.className);
      const lead = x.shape.slice(0, -1);
      const xs = tf.reshape(x, [...lead, this.inType.fields, fieldSize(this.inType)]);
      return this.mode === 'max' ? tf.max(xs, -1) : tf.mean(xs, -1);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [...shape.slice(0, -1), this.inType.fields];
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<GroupPoolingArgs>(config, ['inType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), inType: fieldTypeToJson(this.inType), mode: this.mode };
  }
}

serialization.registerClass(GroupPooling);
