// What the evaluation needs from a trained model, independent of how it is
// stored or run. The TensorFlow-backed implementations live in tf-runners.ts;
// tests use plain functions.

/** A stack of `count` square images, row-major, intensities in [0, 1]. */
export interface LabelledImages {
  images: Float32Array;
  labels: Uint8Array;
  /** Angle of each image in degrees (counter-clockwise as displayed); 0 for upright sets. */
  angles: Float32Array;
  count: number;
  size: number;
}

export interface Encoding {
  /** Mean directions, count x latentDim, unit rows. */
  mu: Float32Array;
  /** Concentrations, one per item. */
  kappa: Float32Array;
}

/** The published model a trained VAE stands for, if any (for the paper columns). */
/** sgvae: C_N G-CNN encoder; sgvae-so2: SO(2)-steerable encoder (the paper's escnn design). */
export type ModelKind = 'sgvae' | 'sgvae-so2' | 'svae' | 'svae-aug' | 'other';

export interface VaeRunner {
  /** Short id used in file names and tables, e.g. "sgvae". */
  readonly name: string;
  /** Display name, e.g. "S-GVAE". */
  readonly label: string;
  readonly kind: ModelKind;
  readonly latentDim: number;
  readonly imageSize: number;
  /** Training seed, for provenance (undefined if the artifact does not say). */
  readonly seed?: number;
  /** Where the model was trained, for provenance (undefined if the artifact does not say). */
  readonly trainedWith?: TrainedWith;
  encode(images: Float32Array, count: number): Promise<Encoding>;
  /** Decodes latent vectors (count x latentDim) to pixel probabilities in [0, 1]. */
  decode(z: Float32Array, count: number): Promise<Float32Array>;
  dispose?(): void;
}

/** The code and machine that trained a model, as its manifest records them. */
export interface TrainedWith {
  /** Commit (+dirty), or null when the manifest says unknown. */
  codeVersion: string | null;
  /** One line: CPU, kernel-selecting flags, oneDNN and threads, backend; null for manifests written before it was recorded, "unreadable: ..." for a damaged record. */
  machine: string | null;
}

export interface JudgeRunner {
  readonly label: string;
  readonly imageSize: number;
  readonly seed?: number;
  readonly trainedWith?: TrainedWith;
  /** Most probable class of each image. */
  classify(images: Float32Array, count: number): Promise<Uint8Array>;
  dispose?(): void;
}

export interface RotationGrid {
  /** Items digit-major: item d * angles.length + a is digit d turned by angles[a]. */
  set: LabelledImages;
  angles: number[];
  digits: number;
  /** Index into `angles` of 0 degrees: the upright copy each turned copy is compared with. */
  uprightAngleIndex: number;
  /** One label per digit. */
  digitLabels: Uint8Array;
}
