// The decoder's config (shared by every encoder family): validation against
// the encoder's geometry, and its parameter count.
import { bool, checkKeys, fail, int, intList, num, oneOf, record, ACTIVATIONS, type DecoderConfig, type EncoderBase, type LatentConfig, type ParamCount } from './common.ts';
import { encoderMapSizes, transposedValidSize } from './geometry.ts';

/** Checks the decoder at `decoder` against the encoder it mirrors (`sizes`: the encoder's map sizes). */
export function validateDecoder(v: unknown, encoder: EncoderBase, sizes: number[]): DecoderConfig {
  const d = record(v, 'decoder');
  checkKeys(d, ['widths', 'kernelSize', 'activation', 'batchNorm', 'dropout'], 'decoder');
  const widths = intList(d.widths, 'decoder.widths', 1);
  if (widths.length !== encoder.widths.length) {
    fail('decoder.widths', `needs one width per encoder layer (${encoder.widths.length}), got ${widths.length}`);
  }
  const kernelSize = int(d.kernelSize, 'decoder.kernelSize', 1);
  const L = encoder.strides.length;
  for (let i = 0; i < L; i++) {
    const from = sizes[L - i]!;
    const to = sizes[L - i - 1]!;
    const stride = encoder.strides[L - 1 - i]!;
    if (transposedValidSize(from, kernelSize, stride) < to) {
      fail(
        'decoder.kernelSize',
        `transposed convolution ${i + 1} (stride ${stride}) cannot grow ${from}x${from} to ${to}x${to} with kernel ${kernelSize}; use a kernel of at least ${to - (from - 1) * stride}`,
      );
    }
  }
  return {
    widths,
    kernelSize,
    activation: oneOf(d.activation, ACTIVATIONS, 'decoder.activation'),
    batchNorm: bool(d.batchNorm, 'decoder.batchNorm'),
    dropout: num(d.dropout, 'decoder.dropout', 0, 1, true),
  };
}

/** Parameters of the decoder that buildDecoder makes for `cfg`, counted analytically. */
export function countDecoderParams(cfg: { imageSize: number; channels: number; latent: LatentConfig; encoder: EncoderBase; decoder: DecoderConfig }): ParamCount {
  const d = cfg.decoder;
  const last = encoderMapSizes(cfg.imageSize, cfg.encoder).at(-1)!;
  let trainable = 0;
  let nonTrainable = 0;
  const bn = (c: number): void => {
    if (d.batchNorm) {
      trainable += 2 * c;
      nonTrainable += 2 * c;
    }
  };
  const units = last * last * d.widths[0]!;
  trainable += cfg.latent.dim * units + units;
  bn(d.widths[0]!);
  const k2 = d.kernelSize * d.kernelSize;
  for (let i = 0; i < d.widths.length; i++) {
    const cin = d.widths[i]!;
    const cout = i + 1 < d.widths.length ? d.widths[i + 1]! : cfg.channels;
    trainable += k2 * cin * cout + cout;
    if (i + 1 < d.widths.length) bn(cout);
  }
  return { trainable, nonTrainable };
}
