// What an encoder family provides: its presets, the validation of its config,
// its builder and its parameter count. The families are registered in
// families/index.ts; everything else dispatches on `encoder.kind` through it.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EncoderBase, ParamCount, PresetName } from '../config/common.ts';
import type { VaeNetConfig } from '../config/vae-config.ts';

/** The parts of a preset that all families share (config/presets.ts): everything but the encoder. */
export type SharedPreset = Omit<VaeNetConfig, 'configVersion' | 'encoder'>;

export interface EncoderFamily<C extends EncoderBase & { kind: string }, P = C> {
  readonly kind: C['kind'];
  /** Whether the rotation centre must stay on a sample at every layer (exact quarter-turn equivariance). */
  readonly centredGrid: boolean;
  /** This family's preset values, by preset name (what `presetEncoder` turns into an encoder config). */
  readonly presets: Readonly<Record<PresetName, P>>;
  /** The encoder config of preset `name`, on that preset's shared parts. */
  presetEncoder(name: PresetName, shared: SharedPreset): C;
  /**
   * Checks the encoder config at `path` (every field present, unknown fields refused) and
   * returns a clean copy; errors are NetConfigErrors naming the field.
   */
  validate(raw: Record<string, unknown>, path: string): C;
  /**
   * Optional: adjusts an encoder merged from a preset and a partial config (`given`, the partial's
   * encoder section) before validation, for preset values that only make sense together.
   */
  adjustPartial?(merged: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown>;
  /** The encoder network of a validated config: image [B, S, S, C] -> [mu, kappa] or [mean, scale]. */
  build(cfg: VaeNetConfig, encoder: C): LayersModel;
  /** Parameters of the network `build` makes, counted analytically. */
  countParams(cfg: VaeNetConfig, encoder: C): ParamCount;
}
