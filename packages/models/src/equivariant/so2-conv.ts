// SO(2)-steerable convolution (escnn's R2Conv on SO(2) irreps): between
// trivial (scalar) fields and Fourier fields of any band limit. The lifting
// layer is this layer with trivial image fields as input; the invariant map
// is this layer with kernel 1 and trivial output fields (it can then only
// read the frequency-0 coefficient of each input field). Each step expands
// the coefficients [S, inFields, outFields] into the dense
// [k, k, inChannels, outChannels] filter with one matmul against the cached
// basis matrix (so2-basis.ts), then runs one tf.conv2d.
//
// Geometry: odd kernels only. The tiny paper used kernel 4, but an even
// kernel puts each output sample halfway between input samples, so the
// rotation centre leaves the grid and no rotation is exact; and escnn's rings
// degenerate to one usable ring (cut-off 2) at k = 4.
// The presets use kernel 5 with padding 2 on a 33 x 33 image (33 -> 17 -> 17
// -> 9 with strides 2, 1, 2), which keeps every layer's grid centred.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { KERNEL_INITIALIZERS, makeInitializer, type KernelInitializerName } from './cyclic-conv.ts';
import { argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { EquivariantError, GridGeometryError, LayerArgumentError } from './errors.ts';
import { channelCount, fieldTypeToJson, type FieldType } from './field-type.ts';
import { fieldFrequencies, so2Basis, so2ExpansionTensor } from './so2-basis.ts';
import { So2EquivariantLayer, so2BandLimit } from './so2-layer.ts';
import { assertCentredGrid, convOutputSize } from './spatial.ts';

export interface So2ConvArgs extends BaseLayerArgs {
  /** Trivial fields of SO(2) (an image, invariant features) or Fourier fields of SO(2). */
  inType: FieldType;
  /** Trivial or Fourier fields of SO(2). */
  outType: FieldType;
  /** Odd kernel size (the centre must be a pixel). */
  kernelSize: number;
  /** Default 1. */
  stride?: number;
  /** Symmetric zero padding; default (kernelSize - 1) / 2. */
  padding?: number;
  /** One bias per output field, on its frequency-0 channel only (a bias on a frequency-k pair would break equivariance). Default true. */
  useBias?: boolean;
  /** Initialiser of the coefficients [S, inFields, outFields] (fan-in S x inFields; default heNormal). */
  kernelInitializer?: KernelInitializerName;
  seed?: number;
}

// tfjs-node's conv2d only knows 'same' and 'valid'; 'same' is used when it pads
// exactly p on each side (as in cyclic-conv.ts), saving a pad op per step.
function usesSamePadding(size: number, kernelSize: number, stride: number, padding: number): boolean {
  const sameOut = Math.ceil(size / stride);
  const sameTotal = Math.max((sameOut - 1) * stride + kernelSize - size, 0);
  return sameOut === convOutputSize({ inputSize: size, kernelSize, stride, padding }) && sameTotal === 2 * padding;
}

export class So2Conv2D extends So2EquivariantLayer {
  static readonly className = 'So2Conv2D';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly useBias: boolean;
  readonly kernelInitializer: KernelInitializerName;
  readonly seed: number | undefined;
  readonly inFrequencies: number[];
  readonly outFrequencies: number[];
  /** Basis elements per pair of fields. */
  readonly nBasis: number;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  private checkedSize = -1;

  constructor(args: So2ConvArgs) {
    super(args);
    const where = So2Conv2D.className;
    this.inType = args.inType;
    this.outType = args.outType;
    this.inFrequencies = fieldFrequencies(so2BandLimit(args.inType, `${where} (inType)`));
    this.outFrequencies = fieldFrequencies(so2BandLimit(args.outType, `${where} (outType)`));
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
    this.kernelInitializer = args.kernelInitializer ?? 'heNormal';
    if (!(KERNEL_INITIALIZERS as readonly string[]).includes(this.kernelInitializer)) {
      throw new LayerArgumentError(`${where}: kernelInitializer must be one of ${KERNEL_INITIALIZERS.join(', ')}, got ${this.kernelInitializer}`);
    }
    this.seed = args.seed;
    this.nBasis = so2Basis(this.kernelSize, this.inFrequencies, this.outFrequencies).elements.length;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    this.checkSpatial(shape[1] ?? null, shape[2] ?? null);
    this.kernel = this.addWeight(
      'kernel',
      [this.nBasis, this.inType.fields, this.outType.fields],
      'float32',
      makeInitializer(this.kernelInitializer, this.seed),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.outType.fields], 'float32', initializers.zeros());
    this.built = true;
  }

  private checkSpatial(h: number | null, w: number | null): void {
    if (h === null || w === null || h === this.checkedSize) return;
    if (h !== w) throw new GridGeometryError(`layer "${this.name}": rotations need square maps, got ${h}x${w}`);
    assertCentredGrid({ inputSize: h, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding }, `layer "${this.name}" (${So2Conv2D.className})`);
    this.checkedSize = h;
  }

  /** The dense [k, k, inChannels, outChannels] filter for the current coefficients. */
  expandedFilter(): tf.Tensor4D {
    if (this.kernel === null) throw new EquivariantError(`layer "${this.name}" is not built yet; apply it to an input first`);
    const k = this.kernelSize;
    const fi = this.inType.fields;
    const fo = this.outType.fields;
    const basis = so2Basis(k, this.inFrequencies, this.outFrequencies);
    return tf.tidy(() => {
      const coeffs = tf.reshape(this.kernel!.read(), [this.nBasis, fi * fo]);
      const dense = tf.matMul(so2ExpansionTensor(k, this.inFrequencies, this.outFrequencies), coeffs);
      const t = tf.transpose(tf.reshape(dense, [k, k, basis.inSize, basis.outSize, fi, fo]), [0, 1, 4, 2, 5, 3]);
      return tf.reshape(t, [k, k, fi * basis.inSize, fo * basis.outSize]);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, So2Conv2D.className) as tf.Tensor4D;
      const size = x.shape[1];
      this.checkSpatial(size, x.shape[2]);
      const filter = this.expandedFilter();
      const p = this.padding;
      const s = this.stride;
      let y: tf.Tensor4D;
      if (usesSamePadding(size, this.kernelSize, s, p)) y = tf.conv2d(x, filter, s, 'same');
      else {
        const xp = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
        y = tf.conv2d(xp, filter, s, 'valid');
      }
      if (this.bias !== null) {
        const fo = this.outType.fields;
        const d = channelCount(this.outType) / fo;
        const perChannel = d === 1 ? this.bias.read() : tf.reshape(tf.pad(tf.reshape(this.bias.read(), [fo, 1]), [[0, 0], [0, d - 1]]), [fo * d]);
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

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<So2ConvArgs>(config, ['inType', 'outType'], cls.className));
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
      kernelInitializer: this.kernelInitializer,
      seed: this.seed ?? null,
    };
  }
}

serialization.registerClass(So2Conv2D);
