// C_N convolutions with filters in a steerable basis: the lifting convolution
// (trivial fields -> regular fields) and the regular group convolution
// (regular -> regular). Each step expands the learned coefficients into the
// dense filter with one matmul against a cached expansion matrix, then runs
// one tf.conv2d. Output channel = field * N + r (field-major, orientation-minor).
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { expansionTensor, steerableBasis, type BasisOptions } from './basis.ts';
import {
  EquivariantLayer,
  argsFromConfig,
  singleTensor,
  type BaseLayerArgs,
  type LayerKwargs,
} from './equivariant-layer.ts';
import { EquivariantError, FieldTypeError, GridGeometryError, LayerArgumentError } from './errors.ts';
import {
  channelCount,
  describeFieldType,
  fieldTypeToJson,
  groupOrder,
  type FieldType,
} from './field-type.ts';
import { assertCentredGrid, convOutputSize } from './spatial.ts';

export const KERNEL_INITIALIZERS = ['heNormal', 'heUniform', 'glorotNormal', 'glorotUniform'] as const;
export type KernelInitializerName = (typeof KERNEL_INITIALIZERS)[number];

export function makeInitializer(name: KernelInitializerName, seed: number | undefined): ReturnType<typeof initializers.heNormal> {
  const args = seed === undefined ? {} : { seed };
  switch (name) {
    case 'heNormal':
      return initializers.heNormal(args);
    case 'heUniform':
      return initializers.heUniform(args);
    case 'glorotNormal':
      return initializers.glorotNormal(args);
    case 'glorotUniform':
      return initializers.glorotUniform(args);
  }
}

export interface CyclicConvArgs extends BaseLayerArgs {
  /** Input feature type: trivial fields of C_N (lifting) or regular fields of C_N (group conv). */
  inType: FieldType;
  /** Output feature type: regular fields of the same C_N. */
  outType: FieldType;
  /** Odd kernel size (the centre must be a pixel). */
  kernelSize: number;
  /** Default 1. */
  stride?: number;
  /** Symmetric zero padding; default (kernelSize - 1) / 2. */
  padding?: number;
  /** One bias per output field, shared by its N orientations (default true). */
  useBias?: boolean;
  /** Caps the angular frequency of every ring of the basis (default: escnn's per-ring limits). */
  maxFrequency?: number;
  /**
   * Initialiser of the basis coefficients, stored as [nBasis, inFieldSize, inFields, outFields]
   * so that its fan-in is inChannels * nBasis, the fan-in of the expanded filter (default heNormal).
   */
  kernelInitializer?: KernelInitializerName;
  /** Seed of the coefficient initialiser. */
  seed?: number;
}

abstract class CyclicConvBase extends EquivariantLayer {
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly useBias: boolean;
  readonly maxFrequency: number | undefined;
  readonly kernelInitializer: KernelInitializerName;
  readonly seed: number | undefined;
  readonly order: number;
  readonly nBasis: number;
  protected kernel: LayerVariable | null = null;
  protected bias: LayerVariable | null = null;
  private checkedSize = -1;

  protected abstract readonly expansionKind: 'lifting' | 'regular';

  constructor(args: CyclicConvArgs, expected: 'trivial' | 'regular') {
    super(args);
    const where = this.getClassName();
    this.inType = args.inType;
    this.outType = args.outType;
    if (args.inType.group.kind !== 'cyclic' || args.inType.representation !== expected) {
      throw new FieldTypeError(
        `${where} takes ${expected} fields of a cyclic group C_N, got ${describeFieldType(args.inType)}` +
          (expected === 'trivial' ? '; use GroupConv2D for regular inputs' : '; use LiftingConv2D for trivial (image) inputs'),
      );
    }
    if (args.outType.group.kind !== 'cyclic' || args.outType.representation !== 'regular') {
      throw new FieldTypeError(`${where} gives regular fields of C_N, got ${describeFieldType(args.outType)}`);
    }
    if (args.outType.group.order !== args.inType.group.order) {
      throw new FieldTypeError(
        `${where}: input group C${args.inType.group.order} and output group C${args.outType.group.order} differ; both must be the same C_N`,
      );
    }
    this.order = args.inType.group.order;
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 === 0) {
      throw new GridGeometryError(
        `${where}: kernelSize must be an odd positive integer so that the rotation centre is a pixel, got ${String(args.kernelSize)}`,
      );
    }
    this.kernelSize = args.kernelSize;
    this.stride = args.stride ?? 1;
    this.padding = args.padding ?? (args.kernelSize - 1) / 2;
    if (!Number.isInteger(this.stride) || this.stride < 1) throw new GridGeometryError(`${where}: stride must be a positive integer, got ${this.stride}`);
    if (!Number.isInteger(this.padding) || this.padding < 0) {
      throw new GridGeometryError(`${where}: padding must be a non-negative integer, got ${this.padding}`);
    }
    this.useBias = args.useBias ?? true;
    this.maxFrequency = args.maxFrequency;
    this.kernelInitializer = args.kernelInitializer ?? 'heNormal';
    if (!(KERNEL_INITIALIZERS as readonly string[]).includes(this.kernelInitializer)) {
      throw new LayerArgumentError(`${where}: kernelInitializer must be one of ${KERNEL_INITIALIZERS.join(', ')}, got ${this.kernelInitializer}`);
    }
    this.seed = args.seed;
    this.nBasis = steerableBasis(this.kernelSize, this.basisOptions()).elements.length;
  }

  protected basisOptions(): BasisOptions {
    return this.maxFrequency === undefined ? {} : { maxFrequency: this.maxFrequency };
  }

  /** Channels per input field in the coefficient tensor (1 for lifting, N for regular). */
  protected abstract inFieldSize(): number;

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    this.checkSpatial(shape[1] ?? null, shape[2] ?? null);
    this.kernel = this.addWeight(
      'kernel',
      [this.nBasis, this.inFieldSize(), this.inType.fields, this.outType.fields],
      'float32',
      makeInitializer(this.kernelInitializer, this.seed),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.outType.fields], 'float32', initializers.zeros());
    this.built = true;
  }

  private checkSpatial(h: number | null, w: number | null): void {
    if (h === null || w === null || h === this.checkedSize) return;
    if (h !== w) {
      throw new GridGeometryError(`layer "${this.name}": rotations need square maps, got ${h}x${w}`);
    }
    assertCentredGrid(
      { inputSize: h, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding },
      `layer "${this.name}" (${this.getClassName()})`,
    );
    this.checkedSize = h;
  }

  /** The dense [k, k, inChannels, outChannels] filter for the current coefficients. */
  expandedFilter(): tf.Tensor4D {
    if (this.kernel === null) throw new EquivariantError(`layer "${this.name}" is not built yet; apply it to an input first`);
    const k = this.kernelSize;
    const n = this.order;
    const fi = this.inType.fields;
    const fo = this.outType.fields;
    const m = this.inFieldSize();
    return tf.tidy(() => {
      const coeffs = tf.reshape(this.kernel!.read(), [this.nBasis * m, fi * fo]);
      const dense = tf.matMul(expansionTensor(this.expansionKind, k, n, this.basisOptions()), coeffs);
      if (this.expansionKind === 'lifting') {
        const t = tf.transpose(tf.reshape(dense, [k, k, n, fi, fo]), [0, 1, 3, 4, 2]);
        return tf.reshape(t, [k, k, fi, fo * n]);
      }
      const t = tf.transpose(tf.reshape(dense, [k, k, n, n, fi, fo]), [0, 1, 4, 2, 5, 3]);
      return tf.reshape(t, [k, k, fi * n, fo * n]);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.getClassName()) as tf.Tensor4D;
      const size = x.shape[1];
      this.checkSpatial(size, x.shape[2]);
      const filter = this.expandedFilter();
      const p = this.padding;
      const s = this.stride;
      // tfjs-node's conv2d only knows 'same' and 'valid'; 'same' is used when it
      // pads exactly p on each side, saving a pad op per step.
      const sameOut = Math.ceil(size / s);
      const sameTotal = Math.max((sameOut - 1) * s + this.kernelSize - size, 0);
      const sameMatches = sameOut === convOutputSize({ inputSize: size, kernelSize: this.kernelSize, stride: s, padding: p }) && sameTotal === 2 * p;
      let y: tf.Tensor4D;
      if (sameMatches) y = tf.conv2d(x, filter, s, 'same');
      else {
        const xp = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
        y = tf.conv2d(xp, filter, s, 'valid');
      }
      if (this.bias !== null) {
        const fo = this.outType.fields;
        const perChannel = tf.reshape(tf.tile(tf.reshape(this.bias.read(), [fo, 1]), [1, this.order]), [fo * this.order]);
        y = tf.add(y, perChannel);
      }
      return y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    const out = (v: number | null | undefined): number | null =>
      v == null ? null : convOutputSize({ inputSize: v, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding });
    return [shape[0] ?? null, out(shape[1]), out(shape[2]), channelCount(this.outType)];
  }

  /** Parses the field types of a saved config back into FieldType values. */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<CyclicConvArgs>(config, ['inType', 'outType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      inType: fieldTypeToJson(this.inType),
      outType: fieldTypeToJson(this.outType),
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      useBias: this.useBias,
      maxFrequency: this.maxFrequency ?? null,
      kernelInitializer: this.kernelInitializer,
      seed: this.seed ?? null,
    };
  }
}

/**
 * Lifting convolution: trivial fields of C_N (e.g. a 1-channel image) to regular
 * fields. Output orientation r is the correlation with the learned filter rotated
 * by 2 pi r / N, so rotating the input by element s rotates the output maps and
 * moves orientation r to r + s.
 */
export class LiftingConv2D extends CyclicConvBase {
  static readonly className = 'LiftingConv2D';
  protected readonly expansionKind = 'lifting' as const;

  constructor(args: CyclicConvArgs) {
    super(args, 'trivial');
  }

  protected inFieldSize(): number {
    return 1;
  }

}

/**
 * Regular group convolution on C_N: regular fields to regular fields. The filter
 * for output orientation r is the learned filter rotated by 2 pi r / N with its
 * input-orientation axis shifted cyclically by r.
 */
export class GroupConv2D extends CyclicConvBase {
  static readonly className = 'GroupConv2D';
  protected readonly expansionKind = 'regular' as const;

  constructor(args: CyclicConvArgs) {
    super(args, 'regular');
  }

  protected inFieldSize(): number {
    return groupOrder(this.inType.group);
  }

}

serialization.registerClass(LiftingConv2D);
serialization.registerClass(GroupConv2D);
