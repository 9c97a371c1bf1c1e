// Batch normalisation for field types: one mean, variance, scale and shift
// per field, with the statistics pooled over the field's channels (the N
// orientations of a regular field), so normalisation commutes with the
// orientation shift (escnn's InnerBatchNorm). Moving averages serve inference.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, isTraining, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, LayerArgumentError } from './errors.ts';
import { fieldBatchNormTraining } from './field-batch-norm-op.ts';
import { describeFieldType, fieldSize, fieldTypeToJson, type FieldType } from './field-type.ts';

export interface GroupBatchNormArgs extends BaseLayerArgs {
  /** Feature type of input and output. */
  fieldType: FieldType;
  /** Weight of the old value in the moving averages (Keras convention; PyTorch's 0.1 is 0.9 here). Default 0.9. */
  momentum?: number;
  /** Default 1e-5. */
  epsilon?: number;
  /** Learn a shift per field (default true). */
  center?: boolean;
  /** Learn a scale per field (default true). */
  scale?: boolean;
}

export class GroupBatchNorm extends EquivariantLayer {
  static readonly className = 'GroupBatchNorm';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean: LayerVariable | null = null;
  private movingVariance: LayerVariable | null = null;

  constructor(args: GroupBatchNormArgs) {
    super(args);
    if (args.fieldType.representation === 'fourier') {
      // A mean subtracted from (or a shift added to) a frequency-k pair does not commute with rotating it.
      throw new FieldTypeError(`GroupBatchNorm takes trivial or regular fields, got ${describeFieldType(args.fieldType)}; use So2BatchNorm`);
    }
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new LayerArgumentError(`GroupBatchNorm: momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new LayerArgumentError(`GroupBatchNorm: epsilon must be positive, got ${this.epsilon}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    const f = [this.inType.fields];
    if (this.scale) this.gamma = this.addWeight('gamma', f, 'float32', initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', f, 'float32', initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', f, 'float32', initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', f, 'float32', initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, GroupBatchNorm.className);
      const fields = this.inType.fields;
      const n = fieldSize(this.inType);
      if (isTraining(kwargs)) {
        const gamma = this.gamma === null ? tf.ones([fields]) : this.gamma.read();
        const beta = this.beta === null ? tf.zeros([fields]) : this.beta.read();
        const { y, mean, variance } = fieldBatchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, fields, n, this.epsilon);
        const update = (v: LayerVariable, value: tf.Tensor): void => {
          tf.tidy(() => {
            const old = v.read();
            v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
          });
        };
        update(this.movingMean!, mean);
        update(this.movingVariance!, variance);
        return y;
      }
      const perChannel = (field: tf.Tensor): tf.Tensor =>
        n === 1 ? field : tf.reshape(tf.tile(tf.reshape(field, [fields, 1]), [1, n]), [fields * n]);
      let factor = tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon));
      if (this.gamma !== null) factor = tf.mul(factor, this.gamma.read());
      let shift = tf.neg(tf.mul(this.movingMean!.read(), factor));
      if (this.beta !== null) shift = tf.add(shift, this.beta.read());
      return tf.add(tf.mul(x, perChannel(factor)), perChannel(shift));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<GroupBatchNormArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      fieldType: fieldTypeToJson(this.inType),
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
  }
}

serialization.registerClass(GroupBatchNorm);
