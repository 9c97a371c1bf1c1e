// Layer-by-layer summary of a model: output shapes, parameter counts and
// FLOPs per image.
//
// FLOP convention: 2 x (multiply-adds) of the forward pass of convolutions,
// transposed convolutions, dense layers, the C_N and SO(2) convolutions
// (counted on the dense expanded filter, which is what runs) and the two
// sample-grid matmuls of the SO(2) Fourier nonlinearity (FourierPointwise:
// coefficients -> N samples -> coefficients, 4 (2L+1) N per field and pixel);
// batch norm, other activations, pooling, masks, dropout and bias additions
// count 0. A training step costs about 3x the forward FLOPs (forward, input
// gradient, weight gradient), less the input gradient of the first layer.
// The C_N and SO(2) layers also expand their filters once per step (one
// matmul); that is reported separately as `stepFlops` because it does not
// grow with the batch.
import { gaussianTaps } from '../equivariant/antialias-blur.ts';
import { coefficientOrders, spectrumSize } from '../equivariant/spectrum-pooling.ts';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: string;
  params: number;
  trainableParams: number;
  /** Forward FLOPs per image (2 x multiply-adds). */
  flops: number;
  /** FLOPs paid once per step regardless of batch size (filter expansion of C_N layers). */
  stepFlops: number;
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  flopsPerImage: number;
  stepFlops: number;
}

type LayerLike = LayersModel['layers'][number];

function prod(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((a, v) => a * (v ?? 1), 1);
}

function shapeOf(get: () => Shape | Shape[]): Shape | null {
  try {
    const s = get();
    return Array.isArray(s[0]) ? (s[0] as Shape) : (s as Shape);
  } catch {
    return null;
  }
}

function kernelShape(layer: LayerLike): number[] | null {
  const w = layer.weights.find((v) => v.originalName.endsWith('kernel'));
  return w === undefined ? null : [...w.shape] as number[];
}

function layerFlops(layer: LayerLike): { flops: number; stepFlops: number } {
  const cls = layer.getClassName();
  const out = shapeOf(() => layer.outputShape);
  const inp = shapeOf(() => {
    const node = layer.inboundNodes[0];
    if (node === undefined) throw new Error('layer was never applied');
    return node.inputShapes;
  });
  if (cls === 'FourierPointwise' && out !== null) {
    const cfg = layer.getConfig() as { samples: number; fieldType: { fields: number; maxFrequency: number } };
    const d = 2 * cfg.fieldType.maxFrequency + 1;
    return { flops: 4 * d * cfg.samples * cfg.fieldType.fields * prod(out.slice(1, -1)), stepFlops: 0 };
  }
  if (cls === 'AntialiasBlur' && out !== null) {
    // A fixed depthwise Gaussian, (2r + 1)^2 taps per channel and pixel.
    const side = gaussianTaps((layer.getConfig() as { sigma: number }).sigma).side;
    return { flops: 2 * side * side * prod(out.slice(1)), stepFlops: 0 };
  }
  if ((cls === 'RingPooling' || cls === 'SpectrumPooling') && inp !== null) {
    // One [R, S*S] x [S*S, C] matmul (plus, for the spectrum, two [N, N/2 + 1] DFT matmuls per field and ring;
    // with K angular harmonics, 2 K more rows of position weights (moment cosine and sine) in the same matmul
    // and four [N, N] DFT matmuls per field and moment row).
    // With phase alignment: the reference (two [P1 -> 1] matmuls over the order +-1 coefficients), the powers of
    // u spread to the P coefficients (two [M -> P] matmuls, M the orders present) and one complex product per coefficient.
    const config = layer.getConfig() as { rings: number; harmonics?: number; align?: boolean; inType?: { group: { order: number } } };
    const rings = config.rings;
    let flops = 2 * rings * prod(inp.slice(1));
    if (cls === 'SpectrumPooling') {
      const n = config.inType!.group.order;
      const channels = inp[inp.length - 1] ?? 0;
      flops += 4 * rings * channels * spectrumSize(n);
      const rows = (config.harmonics ?? 0) * (rings - 1);
      flops += 4 * rows * prod(inp.slice(1)) + 8 * rows * channels * n;
      if (config.align === true) {
        const orders = coefficientOrders(n, channels / n, rings, config.harmonics ?? 0);
        const p1 = orders.filter((m) => Math.abs(m) === 1).length;
        const m = Math.max(...orders) - Math.min(...orders) + 1;
        flops += 4 * p1 + 4 * m * orders.length + 8 * orders.length;
      }
    }
    return { flops, stepFlops: 0 };
  }
  const kernel = kernelShape(layer);
  if (out === null || inp === null || kernel === null) return { flops: 0, stepFlops: 0 };
  switch (cls) {
    case 'Conv2D': {
      const [kh, kw, ci, co] = kernel as [number, number, number, number];
      return { flops: 2 * kh * kw * ci * co * prod(out.slice(1, 3)), stepFlops: 0 };
    }
    case 'Conv2DTranspose': {
      const [kh, kw, co, ci] = kernel as [number, number, number, number];
      return { flops: 2 * kh * kw * ci * co * prod(inp.slice(1, 3)), stepFlops: 0 };
    }
    case 'Dense': {
      const [ci, co] = kernel as [number, number];
      return { flops: 2 * ci * co * prod(inp.slice(1, -1)), stepFlops: 0 };
    }
    case 'LiftingConv2D':
    case 'GroupConv2D': {
      // Coefficients [nBasis, inFieldSize, inFields, outFields] expand to a [k, k, Cin, Cout] filter.
      const [nB, m, fi, fo] = kernel as [number, number, number, number];
      const cfg = layer.getConfig() as { kernelSize: number };
      const k = cfg.kernelSize;
      const cin = inp[inp.length - 1] ?? 0;
      const cout = out[out.length - 1] ?? 0;
      const expansionRows = (k * k * cin * cout) / (fi * fo);
      return { flops: 2 * k * k * cin * cout * prod(out.slice(1, 3)), stepFlops: 2 * expansionRows * nB * m * fi * fo };
    }
    case 'So2Conv2D': {
      // Coefficients [S, inFields, outFields] expand through a [k*k*inFieldSize*outFieldSize, S] matrix.
      const [nB, fi, fo] = kernel as [number, number, number];
      const k = (layer.getConfig() as { kernelSize: number }).kernelSize;
      const cin = inp[inp.length - 1] ?? 0;
      const cout = out[out.length - 1] ?? 0;
      const expansionRows = (k * k * cin * cout) / (fi * fo);
      return { flops: 2 * k * k * cin * cout * prod(out.slice(1, 3)), stepFlops: 2 * expansionRows * nB * fi * fo };
    }
    default:
      return { flops: 0, stepFlops: 0 };
  }
}

export function summarizeModel(model: LayersModel): ModelSummary {
  // Layers between a RotationOrbit and its OrbitMean run on k copies of every image.
  let copies = 1;
  const rows: LayerSummary[] = model.layers.map((layer) => {
    const out = shapeOf(() => layer.outputShape);
    const trainableParams = layer.trainableWeights.reduce((a, w) => a + prod(w.shape), 0);
    const cls = layer.getClassName();
    if (cls === 'OrbitMean') copies = 1;
    const { flops, stepFlops } = layerFlops(layer);
    const row = {
      name: layer.name,
      className: cls,
      outputShape: out === null ? '?' : `[${out.map((d) => (d === null ? 'B' : String(d))).join(', ')}]`,
      params: layer.countParams(),
      trainableParams,
      flops: flops * copies,
      stepFlops,
    };
    if (cls === 'RotationOrbit') copies = (layer.getConfig() as { copies: number }).copies;
    return row;
  });
  const params = rows.reduce((a, r) => a + r.params, 0);
  const trainableParams = rows.reduce((a, r) => a + r.trainableParams, 0);
  return {
    name: model.name,
    layers: rows,
    params,
    trainableParams,
    nonTrainableParams: params - trainableParams,
    flopsPerImage: rows.reduce((a, r) => a + r.flops, 0),
    stepFlops: rows.reduce((a, r) => a + r.stepFlops, 0),
  };
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** A fixed-width text table of a summary. */
export function formatSummary(s: ModelSummary): string {
  const header = ['layer', 'class', 'output', 'params', 'FLOP/img'];
  const rows = s.layers.map((r) => [r.name, r.className, r.outputShape, r.params.toLocaleString('en-US'), r.flops > 0 ? formatCount(r.flops) : '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, w) => a + w + 2, -2));
  return [
    `model ${s.name}`,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `parameters: ${s.params.toLocaleString('en-US')} (trainable ${s.trainableParams.toLocaleString('en-US')}, non-trainable ${s.nonTrainableParams.toLocaleString('en-US')})`,
    `forward FLOPs per image: ${formatCount(s.flopsPerImage)} (2 x multiply-adds of conv/dense layers${s.layers.some((r) => r.className === 'FourierPointwise') ? ' and Fourier sample grids' : ''})` +
      (s.stepFlops > 0 ? `; filter expansion per step: ${formatCount(s.stepFlops)}` : ''),
  ].join('\n');
}
