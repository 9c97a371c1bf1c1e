// An invariant map for regular fields of C_N that keeps more than the max:
// pool each orientation channel over concentric rings (or the whole disk),
// then take the magnitude of the discrete Fourier transform along the N
// orientations. A turn by a multiple of 360/N degrees permutes the
// orientations cyclically after the (rotation-invariant) spatial pooling, and
// a cyclic shift only changes the phases, so the magnitudes are exactly
// invariant under C_N; group max pooling keeps one number of the N, the
// spectrum keeps floor(N/2) + 1 (how strongly, and how sharply tuned, each
// feature responds across orientations).
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { FieldTypeError, GridGeometryError, LayerArgumentError } from './errors.ts';
import { channelCount, describeFieldType, fieldTypeToJson, groupOrder, trivialFields, type FieldType } from './field-type.ts';
import { poolPositions, ringWeights } from './ring-pooling.ts';
import { diskMaskValues } from './spatial.ts';

export interface SpectrumPoolingArgs extends BaseLayerArgs {
  /** Regular fields of C_N. */
  inType: FieldType;
  /** 1: one weighted mean over the disk; >= 2: that many rings (RingPooling's weights). */
  rings: number;
  margin?: number;
  sigma?: number;
}

/** Number of Fourier magnitudes per field and ring: floor(N / 2) + 1. */
export function spectrumSize(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Spatial pooling weights [rings, S * S], each row summing to 1. */
export function spatialPoolWeights(size: number, rings: number, margin = 0, sigma = 2): Float32Array {
  if (rings >= 2) return ringWeights(size, rings, margin, sigma);
  if (rings !== 1) throw new LayerArgumentError(`SpectrumPooling: rings must be a positive integer, got ${rings}`);
  const w = diskMaskValues(size, margin, sigma);
  const total = w.reduce((a, v) => a + v, 0);
  return w.map((v) => v / total);
}

export class SpectrumPooling extends EquivariantLayer {
  static readonly className = 'SpectrumPooling';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly rings: number;
  readonly margin: number;
  readonly sigma: number;
  private pool: tf.Tensor2D | null = null;
  private dft: [tf.Tensor2D, tf.Tensor2D] | null = null;

  constructor(args: SpectrumPoolingArgs) {
    super(args);
    if (args.inType.representation !== 'regular') throw new FieldTypeError(`SpectrumPooling takes regular fields, got ${describeFieldType(args.inType)}`);
    if (!Number.isInteger(args.rings) || args.rings < 1) throw new LayerArgumentError(`SpectrumPooling: rings must be a positive integer, got ${args.rings}`);
    this.inType = args.inType;
    this.rings = args.rings;
    this.margin = args.margin ?? 0;
    this.sigma = args.sigma ?? 2;
    this.outType = trivialFields(args.inType.group, args.rings * args.inType.fields * spectrumSize(groupOrder(args.inType.group)));
  }

  private poolFor(size: number): tf.Tensor2D {
    if (this.pool === null || this.pool.isDisposed || this.pool.shape[1] !== size * size) {
      this.pool?.dispose();
      this.pool = tf.keep(tf.tensor2d(spatialPoolWeights(size, this.rings, this.margin, this.sigma), [this.rings, size * size]));
    }
    return this.pool;
  }

  private dftMatrices(): [tf.Tensor2D, tf.Tensor2D] {
    if (this.dft === null || this.dft[0].isDisposed) {
      const n = groupOrder(this.inType.group);
      const k = spectrumSize(n);
      const cos = new Float32Array(n * k);
      const sin = new Float32Array(n * k);
      for (let r = 0; r < n; r++) {
        for (let f = 0; f < k; f++) {
          cos[r * k + f] = Math.cos((2 * Math.PI * r * f) / n) / n;
          sin[r * k + f] = Math.sin((2 * Math.PI * r * f) / n) / n;
        }
      }
      this.dft = [tf.keep(tf.tensor2d(cos, [n, k])), tf.keep(tf.tensor2d(sin, [n, k]))];
    }
    return this.dft;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`SpectrumPooling takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) throw new GridGeometryError(`SpectrumPooling needs square maps, got ${shape[1]}x${shape[2]}`);
    if (shape[1] != null) spatialPoolWeights(shape[1], this.rings, this.margin, this.sigma);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, SpectrumPooling.className);
      const [b, s] = x.shape as [number, number, number, number];
      const n = groupOrder(this.inType.group);
      const fields = this.inType.fields;
      // Spatial pooling: [R, B*C] -> [R*B*F, N] (channels are field-major, orientation-minor).
      const pooled = tf.reshape(poolPositions(x, this.poolFor(s)), [this.rings * b * fields, n]);
      const [cos, sin] = this.dftMatrices();
      const re = tf.matMul(pooled, cos);
      const im = tf.matMul(pooled, sin);
      // The small floor keeps the gradient of the square root finite at a zero coefficient.
      const mag = tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), 1e-12));
      const k = spectrumSize(n);
      return tf.reshape(tf.transpose(tf.reshape(mag, [this.rings, b, fields * k]), [1, 0, 2]), [b, this.rings * fields * k]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] ?? null, channelCount(this.outType)];
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.pool?.dispose();
    this.pool = null;
    this.dft?.forEach((t) => t.dispose());
    this.dft = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<SpectrumPoolingArgs>(config, ['inType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), inType: fieldTypeToJson(this.inType), rings: this.rings, margin: this.margin, sigma: this.sigma };
  }
}

serialization.registerClass(SpectrumPooling);
