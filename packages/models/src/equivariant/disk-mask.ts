// escnn's MaskModule: fades out the pixels outside the inscribed disk, whose
// content a rotation would carry out of (or into) the square frame, so that
// an input and its rotated copy hold the same information.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { fieldTypeToJson, type FieldType } from './field-type.ts';
import { diskMaskValues } from './spatial.ts';

export interface DiskMaskArgs extends BaseLayerArgs {
  fieldType: FieldType;
  /** Shrinks the fully kept disk to (1 - margin/100) of the inscribed radius (default 0). */
  margin?: number;
  /** Decay of the weight outside: exp((t - r^2) / sigma^2) (default 2, as escnn). */
  sigma?: number;
}

export class DiskMask extends EquivariantLayer {
  static readonly className = 'DiskMask';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly margin: number;
  readonly sigma: number;
  private mask: tf.Tensor4D | null = null;

  constructor(args: DiskMaskArgs) {
    super(args);
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.margin = args.margin ?? 0;
    this.sigma = args.sigma ?? 2;
    if (!(this.margin >= 0 && this.margin < 100)) throw new LayerArgumentError(`DiskMask: margin must be in [0, 100), got ${this.margin}`);
    if (!(this.sigma > 0)) throw new LayerArgumentError(`DiskMask: sigma must be positive, got ${this.sigma}`);
  }

  /** The S x S weights (row-major) this layer multiplies by. */
  static values(size: number, margin = 0, sigma = 2): Float32Array {
    return diskMaskValues(size, margin, sigma);
  }

  private maskFor(size: number): tf.Tensor4D {
    if (this.mask === null || this.mask.isDisposed || this.mask.shape[1] !== size) {
      this.mask?.dispose();
      this.mask = tf.keep(tf.tensor4d(diskMaskValues(size, this.margin, this.sigma), [1, size, size, 1]));
    }
    return this.mask;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`DiskMask takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) {
      throw new GridGeometryError(`DiskMask needs square maps, got ${shape[1]}x${shape[2]}`);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    const x = singleTensor(inputs, DiskMask.className);
    if (x.shape[1] !== x.shape[2]) throw new GridGeometryError(`DiskMask needs square maps, got ${x.shape[1]}x${x.shape[2]}`);
    return tf.mul(x, this.maskFor(x.shape[1]!));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.checkInputShape(inputShape);
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.mask?.dispose();
    this.mask = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<DiskMaskArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), margin: this.margin, sigma: this.sigma };
  }
}

serialization.registerClass(DiskMask);
