// Inverted dropout whose mask comes from deviceRandomUniform, so on native
// TensorFlow no mask is drawn in JavaScript. `DeviceDropout` replaces
// tfjs-layers' `Dropout` in the networks built here: same config fields
// (rate, noiseShape, seed) under its own class name. Models saved with the
// Keras `Dropout` class still load, since tfjs-layers keeps that registered.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { isTraining, singleTensor, type BaseLayerArgs, type LayerKwargs } from '../equivariant/equivariant-layer.ts';
import { deviceRandomUniform } from './device-uniform.ts';
import { RandomArgumentError } from './errors.ts';

function assertRate(rate: number, where: string): void {
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) {
    throw new RandomArgumentError(`${where}: rate must be in [0, 1), got ${String(rate)}`);
  }
}

/**
 * x * (u >= rate) / (1 - rate) with u = deviceRandomUniform(noiseShape):
 * each entry is kept with probability 1 - rate and the expectation is x.
 * `noiseShape` (default x's shape) has x's rank with each size equal to x's
 * or 1; a 1 shares one draw along that axis. The mask never depends on x, so
 * the gradient is dy * mask / (1 - rate).
 */
export function deviceDropout(x: tf.Tensor, rate: number, noiseShape?: readonly number[], seed?: number): tf.Tensor {
  assertRate(rate, 'deviceDropout');
  if (x.dtype !== 'float32') throw new RandomArgumentError(`deviceDropout: x must be float32, got ${x.dtype}`);
  const shape = noiseShape ?? x.shape;
  if (shape.length !== x.rank || shape.some((d, i) => d !== x.shape[i] && d !== 1)) {
    throw new RandomArgumentError(
      `deviceDropout: noiseShape [${shape.join(', ')}] does not broadcast to x [${x.shape.join(', ')}]; ` +
        "give x's rank with each size equal to x's or 1",
    );
  }
  if (rate === 0) return tf.clone(x);
  return tf.tidy(() => {
    const keep = tf.cast(tf.greaterEqual(deviceRandomUniform(shape, seed), rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  });
}

export interface DeviceDropoutArgs extends BaseLayerArgs {
  /** Probability of dropping an entry, in [0, 1). */
  rate: number;
  /** Keras noise_shape: the mask's shape, null entries taking the input's size (e.g. [null, 1, 1, null] drops whole channels). */
  noiseShape?: Array<number | null> | null;
  /**
   * Fixes the mask: every call draws the same one, as tfjs-layers' Dropout
   * does with a seed. Leave unset in training; masks then follow Math.random.
   */
  seed?: number | null;
}

export class DeviceDropout extends layers.Layer {
  static readonly className = 'DeviceDropout';
  readonly rate: number;
  readonly noiseShape: Array<number | null> | null;
  readonly seed: number | null;

  constructor(args: DeviceDropoutArgs) {
    super(args);
    assertRate(args.rate, DeviceDropout.className);
    this.rate = args.rate;
    this.noiseShape = args.noiseShape ?? null;
    if (this.noiseShape !== null && !this.noiseShape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1))) {
      throw new RandomArgumentError(`${DeviceDropout.className}: noiseShape entries must be positive integers or null, got [${this.noiseShape.join(', ')}]`);
    }
    this.seed = args.seed ?? null;
    if (this.seed !== null && !Number.isSafeInteger(this.seed)) {
      throw new RandomArgumentError(`${DeviceDropout.className}: seed must be an integer or null, got ${String(this.seed)}`);
    }
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    const x = singleTensor(inputs, DeviceDropout.className);
    // A clone (shares x's data, copies nothing), not x itself: at inference the
    // layers executor disposes a layer's input once consumed, which would take
    // an output that is the same tensor with it.
    if (!isTraining(kwargs) || this.rate === 0) return tf.clone(x);
    const noiseShape = this.noiseShape === null ? undefined : this.noiseShape.map((d, i) => d ?? x.shape[i]!);
    return deviceDropout(x, this.rate, noiseShape, this.seed ?? undefined);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

serialization.registerClass(DeviceDropout);
