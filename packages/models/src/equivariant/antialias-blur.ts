// A fixed isotropic Gaussian blur of every channel, put in front of a strided
// convolution. A stride-2 convolution samples its output on a coarser grid;
// that grid is mapped onto itself by quarter turns (centred geometry) but not
// by 45 degrees, so any content above the coarse grid's Nyquist frequency
// (which nonlinearities create) aliases differently for the input and its
// rotated copy. Training on upright digits then learns to exploit that
// difference (the plain C8 encoder's mean cosine of mu between turned copies
// fell to 0.78 after five epochs; docs/experiments.md). Blurring first makes
// conv -> subsample act on band-limited maps (blur and convolution commute),
// the anti-aliased downsampling of escnn's PointwiseAvgPoolAntialiased. The
// kernel is symmetric under the dihedral group, so quarter turns stay exact.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { channelCount, fieldTypeToJson, type FieldType } from './field-type.ts';

export interface AntialiasBlurArgs extends BaseLayerArgs {
  /** Feature type of input and output: the blur acts on positions only, so any type passes through. */
  fieldType: FieldType;
  /** Standard deviation of the Gaussian in pixels of the input map (> 0). */
  sigma: number;
}

/** Normalised 2D Gaussian taps (row-major, side 2r + 1 with r = ceil(2 sigma)). */
export function gaussianTaps(sigma: number): { side: number; taps: Float32Array } {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new LayerArgumentError(`AntialiasBlur: sigma must be a positive number, got ${sigma}`);
  const r = Math.max(1, Math.ceil(2 * sigma));
  const side = 2 * r + 1;
  const taps = new Float32Array(side * side);
  let total = 0;
  for (let i = -r; i <= r; i++) {
    for (let j = -r; j <= r; j++) {
      const v = Math.exp(-(i * i + j * j) / (2 * sigma * sigma));
      taps[(i + r) * side + (j + r)] = v;
      total += v;
    }
  }
  for (let k = 0; k < taps.length; k++) taps[k]! /= total;
  return { side, taps };
}

export class AntialiasBlur extends EquivariantLayer {
  static readonly className = 'AntialiasBlur';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly sigma: number;
  private kernel: tf.Tensor4D | null = null;

  constructor(args: AntialiasBlurArgs) {
    super(args);
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.sigma = args.sigma;
    gaussianTaps(this.sigma); // validates sigma at construction
  }

  private kernelFor(channels: number): tf.Tensor4D {
    if (this.kernel === null || this.kernel.isDisposed) {
      const { side, taps } = gaussianTaps(this.sigma);
      this.kernel = tf.keep(tf.tidy(() => tf.tile(tf.tensor4d(taps, [side, side, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D));
    }
    return this.kernel;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`AntialiasBlur takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, AntialiasBlur.className) as tf.Tensor4D;
      // 'same' with an odd kernel and stride 1 pads r on every side: symmetric about the centre.
      return tf.depthwiseConv2d(x, this.kernelFor(channelCount(this.inType)), 1, 'same');
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.kernel?.dispose();
    this.kernel = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<AntialiasBlurArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), sigma: this.sigma };
  }
}

serialization.registerClass(AntialiasBlur);
