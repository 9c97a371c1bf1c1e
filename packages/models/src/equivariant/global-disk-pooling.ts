// Global spatial pooling restricted to the inscribed disk: [B, S, S, C] ->
// [B, C]. The disk weights are invariant under rotations about the centre, so
// after group pooling the result is a rotation-invariant feature vector (exact
// for 90-degree turns, where the pooling only reorders the sum).
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { fieldTypeToJson, type FieldType } from './field-type.ts';
import { diskMaskValues } from './spatial.ts';

export interface GlobalDiskPoolingArgs extends BaseLayerArgs {
  /** Feature type of input (maps) and output (vectors); pooling leaves the fibre untouched. */
  fieldType: FieldType;
  /** `mean`: average weighted by the DiskMask profile; `max`: max over the fully kept disk. Default mean. */
  mode?: 'mean' | 'max';
  /** Margin of the disk, as in DiskMask (default 0). */
  margin?: number;
  /** Decay outside the disk, as in DiskMask (default 2). */
  sigma?: number;
}

export class GlobalDiskPooling extends EquivariantLayer {
  static readonly className = 'GlobalDiskPooling';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly mode: 'mean' | 'max';
  readonly margin: number;
  readonly sigma: number;
  private weights4d: tf.Tensor4D | null = null;

  constructor(args: GlobalDiskPoolingArgs) {
    super(args);
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.mode = args.mode ?? 'mean';
    this.margin = args.margin ?? 0;
    this.sigma = args.sigma ?? 2;
    if (this.mode !== 'mean' && this.mode !== 'max') throw new LayerArgumentError(`GlobalDiskPooling: mode must be 'mean' or 'max', got ${String(this.mode)}`);
  }

  private weightsFor(size: number): tf.Tensor4D {
    if (this.weights4d === null || this.weights4d.isDisposed || this.weights4d.shape[1] !== size) {
      this.weights4d?.dispose();
      const w = diskMaskValues(size, this.margin, this.sigma);
      let values: Float32Array;
      if (this.mode === 'mean') {
        const total = w.reduce((a, v) => a + v, 0);
        values = w.map((v) => v / total);
      } else {
        // Additive mask: 0 inside the kept disk, a large negative number outside.
        values = w.map((v) => (v === 1 ? 0 : -1e30));
      }
      this.weights4d = tf.keep(tf.tensor4d(values, [1, size, size, 1]));
    }
    return this.weights4d;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`GlobalDiskPooling takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) {
      throw new GridGeometryError(`GlobalDiskPooling needs square maps, got ${shape[1]}x${shape[2]}`);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, GlobalDiskPooling.className);
      if (x.shape[1] !== x.shape[2]) throw new GridGeometryError(`GlobalDiskPooling needs square maps, got ${x.shape[1]}x${x.shape[2]}`);
      const w = this.weightsFor(x.shape[1]!);
      return this.mode === 'mean' ? tf.sum(tf.mul(x, w), [1, 2]) : tf.max(tf.add(x, w), [1, 2]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] ?? null, shape[shape.length - 1] ?? null];
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.weights4d?.dispose();
    this.weights4d = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<GlobalDiskPoolingArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), mode: this.mode, margin: this.margin, sigma: this.sigma };
  }
}

serialization.registerClass(GlobalDiskPooling);
