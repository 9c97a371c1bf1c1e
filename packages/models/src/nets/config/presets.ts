// The parts of each preset that every encoder family shares: image, latent,
// decoder and batch norm. Each family's encoder presets are in its own file
// (families/*.ts). The measurements behind the values are in docs/experiments.md.
import type { BatchNormConfig, HeadConfig, PresetName } from './common.ts';
import type { SharedPreset } from '../families/family.ts';

/** The paper's dense heads (hidden layer with ELU, batch norm, dropout 0.2), shared by both S-GVAE encoders' paper presets. */
export const PAPER_HEAD: HeadConfig = { hidden: 64, activation: 'elu', batchNorm: true, dropout: 0.2 };

const BN: BatchNormConfig = { momentum: 0.9, epsilon: 1e-5 };

const DEFAULT: SharedPreset = {
  // Odd side: the rotation centre is a pixel.
  imageSize: 33,
  channels: 1,
  latent: { family: 'vmf', dim: 6, kappaInit: null },
  // 64/32/16 keeps the S-VAEs' cost within the CPU budget (128/64/32 triples it).
  decoder: { widths: [64, 32, 16], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0 },
  batchNorm: BN,
  seed: null,
};

const PAPER: SharedPreset = {
  ...DEFAULT,
  // The paper's decoder, with its dropout 0.2.
  decoder: { widths: [128, 64, 32], kernelSize: 5, activation: 'relu', batchNorm: true, dropout: 0.2 },
};

/**
 * `default`: sized for a 2-core CPU; `paper`: the paper's sizes (about 800k encoder
 * parameters), meant for a GPU.
 */
export const SHARED_PRESETS: Readonly<Record<PresetName, SharedPreset>> = { default: DEFAULT, paper: PAPER };
