// Pooling over concentric rings: [B, S, S, C] -> [B, R * C]. Where global
// pooling over the disk keeps one number per channel, ring pooling keeps one
// per channel and radius, so the invariant features still say what lies at
// the centre of a digit and what lies at its rim. The weights depend only on
// the distance from the centre, so after group pooling the features are
// rotation invariant: exactly for quarter turns (the pooling only reorders
// the sum), approximately for other angles (the rings are sampled on the
// grid, with triangular weights in the radius to keep the sampling smooth).
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { channelCount, fieldTypeToJson, trivialFields, type FieldType } from './field-type.ts';
import { diskMaskValues } from './spatial.ts';

export interface RingPoolingArgs extends BaseLayerArgs {
  /** Type of the input maps; the output has rings x fields trivial fields of its group. */
  fieldType: FieldType;
  /** Number of rings, radii equally spaced from the centre to the inscribed radius (>= 2). */
  rings: number;
  /** Disk margin and decay outside it, as in DiskMask (defaults 0 and 2). */
  margin?: number;
  sigma?: number;
}

/** Rings that put one ring on every whole pixel radius of an S x S map: floor((S - 1) / 2) + 1. */
export function defaultRingCount(size: number): number {
  return Math.floor((size - 1) / 2) + 1;
}

/**
 * Weights [rings, S * S] (row-major maps), each row summing to 1: ring k has
 * radius k * c / (rings - 1) (c the inscribed radius) and a pixel at distance
 * d gets max(0, 1 - |d - r_k| / step), times the disk mask.
 */
export function ringWeights(size: number, rings: number, margin = 0, sigma = 2): Float32Array {
  if (!Number.isInteger(rings) || rings < 2) throw new LayerArgumentError(`RingPooling: rings must be an integer >= 2, got ${rings}`);
  const c = (size - 1) / 2;
  if (!(c > 0)) throw new GridGeometryError(`RingPooling needs maps of at least 2x2, got ${size}x${size}`);
  const step = c / (rings - 1);
  const mask = diskMaskValues(size, margin, sigma);
  const out = new Float32Array(rings * size * size);
  for (let k = 0; k < rings; k++) {
    let total = 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const d = Math.hypot(i - c, j - c);
        const w = Math.max(0, 1 - Math.abs(d - k * step) / step) * mask[i * size + j]!;
        out[k * size * size + i * size + j] = w;
        total += w;
      }
    }
    if (!(total > 0)) throw new GridGeometryError(`RingPooling: ring ${k} of ${rings} holds no pixel of a ${size}x${size} map; use fewer rings`);
    for (let p = 0; p < size * size; p++) out[k * size * size + p]! /= total;
  }
  return out;
}

/**
 * Weighted sums over positions: maps [B, S, S, C] and weights [R, S * S] give
 * [R, B * C] (row r, column b * C + c), one matmul. Shared by ring and
 * spectrum pooling.
 */
export function poolPositions(x: tf.Tensor, weights: tf.Tensor2D): tf.Tensor2D {
  const [b, s, s2, c] = x.shape as [number, number, number, number];
  if (s !== s2) throw new GridGeometryError(`pooling over positions needs square maps, got ${s}x${s2}`);
  const flat = tf.reshape(tf.transpose(tf.reshape(x, [b, s * s, c]), [1, 0, 2]), [s * s, b * c]);
  return tf.matMul(weights, flat);
}

export class RingPooling extends EquivariantLayer {
  static readonly className = 'RingPooling';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly rings: number;
  readonly margin: number;
  readonly sigma: number;
  private ringMatrix: tf.Tensor2D | null = null;

  constructor(args: RingPoolingArgs) {
    super(args);
    this.inType = args.fieldType;
    this.rings = args.rings;
    this.margin = args.margin ?? 0;
    this.sigma = args.sigma ?? 2;
    if (!Number.isInteger(this.rings) || this.rings < 2) throw new LayerArgumentError(`RingPooling: rings must be an integer >= 2, got ${this.rings}`);
    if (this.inType.representation !== 'trivial') {
      throw new LayerArgumentError(`RingPooling: pool the group first (GroupPooling); it takes trivial fields, got ${this.inType.representation} fields`);
    }
    this.outType = trivialFields(this.inType.group, this.inType.fields * this.rings);
  }

  private weightsFor(size: number): tf.Tensor2D {
    if (this.ringMatrix === null || this.ringMatrix.isDisposed || this.ringMatrix.shape[1] !== size * size) {
      this.ringMatrix?.dispose();
      this.ringMatrix = tf.keep(tf.tensor2d(ringWeights(size, this.rings, this.margin, this.sigma), [this.rings, size * size]));
    }
    return this.ringMatrix;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`RingPooling takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) throw new GridGeometryError(`RingPooling needs square maps, got ${shape[1]}x${shape[2]}`);
    if (shape[1] != null) ringWeights(shape[1], this.rings, this.margin, this.sigma);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, RingPooling.className);
      const [b, s, , c] = x.shape as [number, number, number, number];
      // [R, B*C] -> [B, R*C] (ring-major).
      const pooled = poolPositions(x, this.weightsFor(s));
      return tf.reshape(tf.transpose(tf.reshape(pooled, [this.rings, b, c]), [1, 0, 2]), [b, this.rings * c]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] ?? null, channelCount(this.outType)];
  }

  override dispose(): ReturnType<EquivariantLayer['dispose']> {
    this.ringMatrix?.dispose();
    this.ringMatrix = null;
    return super.dispose();
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<RingPoolingArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), rings: this.rings, margin: this.margin, sigma: this.sigma };
  }
}

serialization.registerClass(RingPooling);
