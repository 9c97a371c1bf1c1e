// The encoders of the comparison, as tf.LayersModels from an image
// [B, S, S, C] to the latent parameters: [mu (unit norm, [B, m]), kappa
// ([B, 1], softplus + 1)] for a vMF latent, [mean, scale] ([B, m] each,
// scale = softplus + 1e-5) for a Gaussian latent. Each encoder family builds
// its own (families/cnn.ts, gcnn.ts, so2.ts) from the shared parts in
// encoder-parts.ts.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { validateVaeNetConfig, type VaeNetConfig } from './config/vae-config.ts';
import { encoderFamily } from './families/index.ts';

export { GAUSSIAN_SCALE_FLOOR, layerSeed, paddedConv } from './encoder-parts.ts';

/**
 * Builds the encoder of `config` (validated again here): image [B, S, S, C] ->
 * [mu, kappa] (vMF) or [mean, scale] (Gaussian). Pass `{training: true}` to
 * `model.apply` in training so that batch norm and dropout act.
 */
export function buildEncoder(config: VaeNetConfig): LayersModel {
  const cfg = validateVaeNetConfig(config);
  return encoderFamily(cfg.encoder.kind).build(cfg, cfg.encoder);
}
