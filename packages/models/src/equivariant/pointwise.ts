// Pointwise maps on feature spaces whose representation permutes channels
// (trivial and regular fields): a nonlinearity applied channel by channel
// commutes with any permutation, so it is exactly equivariant; dropout is
// equivariant in distribution and the identity at inference. Dropout masks
// come from deviceDropout: drawn by native TensorFlow, not in JavaScript.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { deviceDropout } from '../random/device-dropout.ts';
import { EquivariantLayer, argsFromConfig, isTraining, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, LayerArgumentError } from './errors.ts';
import { describeFieldType, fieldSize, fieldTypeToJson, type FieldType } from './field-type.ts';

export const POINTWISE_ACTIVATIONS = ['relu', 'elu'] as const;
export type PointwiseActivationName = (typeof POINTWISE_ACTIVATIONS)[number];

export interface PointwiseActivationArgs extends BaseLayerArgs {
  fieldType: FieldType;
  activation: PointwiseActivationName;
}

export class PointwiseActivation extends EquivariantLayer {
  static readonly className = 'PointwiseActivation';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly activation: PointwiseActivationName;

  constructor(args: PointwiseActivationArgs) {
    super(args);
    if (args.fieldType.representation === 'fourier') {
      // A pointwise map on Fourier coefficients does not commute with rotating them.
      throw new FieldTypeError(`PointwiseActivation acts on trivial or regular fields, got ${describeFieldType(args.fieldType)}; use FourierPointwise`);
    }
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    if (!(POINTWISE_ACTIVATIONS as readonly string[]).includes(args.activation)) {
      throw new LayerArgumentError(`PointwiseActivation: activation must be one of ${POINTWISE_ACTIVATIONS.join(', ')}, got ${String(args.activation)}`);
    }
    this.activation = args.activation;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    const x = singleTensor(inputs, PointwiseActivation.className);
    return this.activation === 'relu' ? tf.relu(x) : tf.elu(x);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<PointwiseActivationArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), activation: this.activation };
  }
}

export interface PointwiseDropoutArgs extends BaseLayerArgs {
  fieldType: FieldType;
  /** Probability of dropping. */
  rate: number;
  /** `pointwise` drops single channels (escnn PointwiseDropout), `field` drops whole fields (escnn FieldDropout). Default pointwise. */
  mode?: 'pointwise' | 'field';
}

export class PointwiseDropout extends EquivariantLayer {
  static readonly className = 'PointwiseDropout';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly rate: number;
  readonly mode: 'pointwise' | 'field';

  constructor(args: PointwiseDropoutArgs) {
    super(args);
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    if (!(args.rate >= 0 && args.rate < 1)) throw new LayerArgumentError(`PointwiseDropout: rate must be in [0, 1), got ${String(args.rate)}`);
    this.rate = args.rate;
    this.mode = args.mode ?? 'pointwise';
    if (this.mode !== 'pointwise' && this.mode !== 'field') {
      throw new LayerArgumentError(`PointwiseDropout: mode must be 'pointwise' or 'field', got ${String(this.mode)}`);
    }
    if (this.mode === 'pointwise' && args.fieldType.representation === 'fourier') {
      // Dropping one coefficient of a (cos, sin) pair is not rotation-invariant in distribution.
      throw new FieldTypeError(
        `PointwiseDropout: mode 'pointwise' would drop single Fourier coefficients of ${describeFieldType(args.fieldType)}; use mode 'field' or FourierPointwise's dropout on the sample grid`,
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkInputShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    const x = singleTensor(inputs, PointwiseDropout.className);
    if (!isTraining(kwargs) || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => {
      if (this.mode === 'pointwise') return deviceDropout(x, this.rate);
      const lead = x.shape.slice(0, -1);
      const n = fieldSize(this.inType);
      const xs = tf.reshape(x, [...lead, this.inType.fields, n]);
      // Whole fields share one draw per example; spatial positions are independent.
      const dropped = deviceDropout(xs, this.rate, [...lead, this.inType.fields, 1]);
      return tf.reshape(dropped, x.shape);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<PointwiseDropoutArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), rate: this.rate, mode: this.mode };
  }
}

serialization.registerClass(PointwiseActivation);
serialization.registerClass(PointwiseDropout);
