// The decoder shared by both VAEs: z [B, m] -> dense -> reshape to the last
// encoder map -> transposed convolutions mirroring the encoder's strides ->
// Bernoulli logits [B, S, S, C] at the input size (each transposed conv is
// 'valid' and cropped symmetrically back to the matching encoder map size).
import { initializers, input, layers, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { DeviceDropout } from '../random/device-dropout.ts';
import { channelBatchNorm } from './batch-norm.ts';
import { encoderMapSizes, transposedValidSize } from './config/geometry.ts';
import { validateVaeNetConfig, type VaeNetConfig } from './config/vae-config.ts';
import { layerSeed } from './encoder-parts.ts';

function apply(layer: { apply: (x: SymbolicTensor) => unknown }, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

export function buildDecoder(config: VaeNetConfig): LayersModel {
  const cfg = validateVaeNetConfig(config);
  const d = cfg.decoder;
  const sizes = encoderMapSizes(cfg.imageSize, cfg.encoder);
  const strides = cfg.encoder.strides;
  const L = strides.length;
  const seed = (i: number): number | undefined => layerSeed(cfg.seed, 200 + i);
  const bnAct = (x: SymbolicTensor, name: string): SymbolicTensor => {
    let y = x;
    if (d.batchNorm) y = channelBatchNorm(y, cfg.batchNorm, `${name}_bn`);
    y = apply(layers.activation({ activation: d.activation, name: `${name}_act` }), y);
    if (d.dropout > 0) y = apply(new DeviceDropout({ rate: d.dropout, name: `${name}_dropout` }), y);
    return y;
  };
  const z = input({ shape: [cfg.latent.dim], name: 'z' });
  const last = sizes[L]!;
  let x = apply(
    layers.dense({ units: last * last * d.widths[0]!, kernelInitializer: initializers.glorotUniform({ seed: seed(0) }), name: 'dec_dense' }),
    z,
  );
  x = apply(layers.reshape({ targetShape: [last, last, d.widths[0]!], name: 'dec_reshape' }), x);
  x = bnAct(x, 'dec_dense');
  for (let i = 0; i < L; i++) {
    const isLast = i === L - 1;
    const stride = strides[L - 1 - i]!;
    const from = sizes[L - i]!;
    const to = sizes[L - 1 - i]!;
    const crop = transposedValidSize(from, d.kernelSize, stride) - to;
    // The model's output layer is always called `logits`: the crop if there is one, else the last deconvolution.
    const name = isLast ? (crop > 0 ? 'dec_deconv_out' : 'logits') : `dec_deconv${i + 1}`;
    x = apply(
      layers.conv2dTranspose({
        filters: isLast ? cfg.channels : d.widths[i + 1]!,
        kernelSize: d.kernelSize,
        strides: stride,
        padding: 'valid',
        kernelInitializer: isLast ? initializers.glorotUniform({ seed: seed(i + 1) }) : initializers.heNormal({ seed: seed(i + 1) }),
        name,
      }),
      x,
    );
    if (crop > 0) {
      const a = Math.floor(crop / 2);
      x = apply(layers.cropping2D({ cropping: [[a, crop - a], [a, crop - a]], name: isLast ? 'logits' : `${name}_crop` }), x);
    }
    if (!isLast) x = bnAct(x, name);
  }
  return model({ inputs: z, outputs: x, name: 'decoder' });
}
