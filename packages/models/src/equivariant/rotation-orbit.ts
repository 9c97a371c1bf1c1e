// Orbit averaging over the angles a quarter turn leaves out. A C_N encoder on
// a square grid is exactly invariant to quarter turns only; in between, its
// error e(theta) = g(R_theta x) - g(x) has period 90 degrees, so it is a
// Fourier series in 4 theta. Training on upright digits grows that error (the
// plain C8 encoder's mean cosine between turns fell to 0.78 after five epochs;
// docs/experiments.md). Averaging the invariant features over the input
// turned by 0, 90/k, ..., 90 (k - 1)/k degrees cancels every harmonic of
// e whose order is not a multiple of k (k = 2 removes the dominant 4-theta
// term), whatever the weights learn. The cost is k encoder passes.
//   RotationOrbit: [B, S, S, C] -> [k B, S, S, C], copy j turned by 90 j / k degrees (copy-major).
//   OrbitMean:     [k B, F]     -> [B, F], the mean over the k copies.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { EquivariantLayer, argsFromConfig, singleTensor, type BaseLayerArgs, type LayerKwargs } from './equivariant-layer.ts';
import { GridGeometryError, LayerArgumentError } from './errors.ts';
import { fieldTypeToJson, type FieldType } from './field-type.ts';
import { rotateBilinear } from './spatial.ts';

export interface RotationOrbitArgs extends BaseLayerArgs {
  /** Type of the maps (positions are turned; the fibre is left alone, so use it on images or trivial fields). */
  fieldType: FieldType;
  /** Copies k >= 1: the input turned by 90 j / k degrees, j = 0..k-1. */
  copies: number;
}

function checkCopies(copies: number, where: string): void {
  if (!Number.isInteger(copies) || copies < 1) throw new LayerArgumentError(`${where}: copies must be an integer >= 1, got ${copies}`);
}

/** Angles (degrees) of the orbit's copies. */
export function orbitAngles(copies: number): number[] {
  checkCopies(copies, 'orbitAngles');
  return Array.from({ length: copies }, (_, j) => (90 * j) / copies);
}

export class RotationOrbit extends EquivariantLayer {
  static readonly className = 'RotationOrbit';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly copies: number;

  constructor(args: RotationOrbitArgs) {
    super(args);
    checkCopies(args.copies, 'RotationOrbit');
    if (args.fieldType.representation !== 'trivial') {
      throw new LayerArgumentError(`RotationOrbit turns positions only, so it takes trivial fields (an image), got ${args.fieldType.representation} fields`);
    }
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.copies = args.copies;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 4) throw new GridGeometryError(`RotationOrbit takes NHWC maps, got shape ${JSON.stringify(shape)}`);
    if (shape[1] != null && shape[2] != null && shape[1] !== shape[2]) throw new GridGeometryError(`RotationOrbit needs square maps, got ${shape[1]}x${shape[2]}`);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, RotationOrbit.className) as tf.Tensor4D;
      if (this.copies === 1) return tf.clone(x);
      return tf.concat(orbitAngles(this.copies).map((deg) => (deg === 0 ? x : rotateBilinear(x, (deg * Math.PI) / 180))), 0);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] == null ? null : shape[0] * this.copies, ...shape.slice(1)];
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<RotationOrbitArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), copies: this.copies };
  }
}

export interface OrbitMeanArgs extends BaseLayerArgs {
  /** Type of the (invariant) feature vectors. */
  fieldType: FieldType;
  copies: number;
}

export class OrbitMean extends EquivariantLayer {
  static readonly className = 'OrbitMean';
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly copies: number;

  constructor(args: OrbitMeanArgs) {
    super(args);
    checkCopies(args.copies, 'OrbitMean');
    this.inType = args.fieldType;
    this.outType = args.fieldType;
    this.copies = args.copies;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.checkInputShape(inputShape);
    if (shape.length !== 2) throw new GridGeometryError(`OrbitMean takes feature vectors [k B, F], got shape ${JSON.stringify(shape)}`);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, OrbitMean.className);
      const [rows, features] = x.shape as [number, number];
      if (rows % this.copies !== 0) throw new GridGeometryError(`OrbitMean: ${rows} rows do not split into ${this.copies} copies`);
      return tf.mean(tf.reshape(x, [this.copies, rows / this.copies, features]), 0);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.checkInputShape(inputShape);
    return [shape[0] == null ? null : shape[0] / this.copies, shape[1] ?? null];
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(argsFromConfig<OrbitMeanArgs>(config, ['fieldType'], cls.className));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), fieldType: fieldTypeToJson(this.inType), copies: this.copies };
  }
}

serialization.registerClass(RotationOrbit);
serialization.registerClass(OrbitMean);
