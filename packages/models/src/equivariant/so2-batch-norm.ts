// Batch normalisation for SO(2) fields (escnn's IIDBatchNorm idea at the
// granularity of irreps): per field, ordinary batch norm on the frequency-0
// channel; each frequency-k pair divided by the root of its mean squared
// amplitude, without mean subtraction or shift, with one scale per pair
// (see so2-batch-norm-op.ts). escnn's IIDBatchNorm pools one variance over
// the whole field; one statistic per irrep costs L extra numbers per field
// and keeps a weak high frequency from being drowned by a strong low one.
// Exactly equivariant for every rotation angle. Moving averages serve inference.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { argsFromConfig, isTraining, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { LayerArgumentError } from './errors.ts';
import { fieldTypeToJson, type FieldType } from './field-type.ts';
import { irrepsToChannels, onFrequencyZero, so2BatchNormTraining } from './so2-batch-norm-op.ts';
import { So2EquivariantLayer, so2BandLimit } from './so2-layer.ts';

export interface So2BatchNormArgs extends BaseLayerArgs {
  /** Trivial or Fourier fields of SO(2) (input and output type). */
  fieldType: FieldType;
  /** Weight of the old value in the moving averages (Keras convention). Default 0.9. */
  momentum?: number;
  /** Default 1e-5. */
  epsilon?: number;
}

export class So2BatchNorm extends So2EquivariantLayer {
  static readonly className = 'So2BatchNorm';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly momentum: number;
  readonly epsilon: number;
  /** Band limit L (0 for trivial fields). */
  readonly maxFrequency: number;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean: LayerVariable | null = null;
  private movingMoment: LayerVariable | null = null;

  constructor(args: So2BatchNormArgs) {
    super(args);
    this.maxFrequency = so2BandLimit(args.fieldType, So2BatchNorm.className) ?? 0;
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new LayerArgumentError(`So2BatchNorm: momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new LayerArgumentError(`So2BatchNorm: epsilon must be positive, got ${this.epsilon}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    const f = this.inType.fields;
    const irreps = [f * (this.maxFrequency + 1)];
    this.gamma = this.addWeight('gamma', irreps, 'float32', initializers.ones());
    this.beta = this.addWeight('beta', [f], 'float32', initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [f], 'float32', initializers.zeros(), undefined, false);
    this.movingMoment = this.addWeight('moving_moment', irreps, 'float32', initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, So2BatchNorm.className);
      const fields = this.inType.fields;
      const L = this.maxFrequency;
      if (isTraining(kwargs)) {
        const { y, mean, moment } = so2BatchNormTraining(x, this.gamma!.read() as tf.Tensor1D, this.beta!.read() as tf.Tensor1D, fields, L, this.epsilon);
        const update = (v: LayerVariable, value: tf.Tensor): void => {
          tf.tidy(() => {
            const old = v.read();
            v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
          });
        };
        update(this.movingMean!, mean);
        update(this.movingMoment!, moment);
        return y;
      }
      const scale = tf.reshape(tf.mul(this.gamma!.read(), tf.rsqrt(tf.add(this.movingMoment!.read(), this.epsilon))), [fields, L + 1]);
      const scale0 = tf.reshape(tf.slice(scale, [0, 0], [fields, 1]), [fields]);
      const shift0 = tf.sub(this.beta!.read(), tf.mul(this.movingMean!.read(), scale0));
      return tf.add(tf.mul(x, irrepsToChannels(scale, fields, L)), onFrequencyZero(shift0, fields, L));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<So2BatchNormArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), momentum: this.momentum, epsilon: this.epsilon };
  }
}

serialization.registerClass(So2BatchNorm);
