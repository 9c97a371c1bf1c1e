import { input, layers, model } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { LiftingConv2D } from '../equivariant/cyclic-conv.ts';
import { SO2_GROUP, cyclicGroup, fourierFields, regularFields, trivialFields } from '../equivariant/field-type.ts';
import { So2Conv2D } from '../equivariant/so2-conv.ts';
import { FourierPointwise } from '../equivariant/so2-fourier-pointwise.ts';
import { resolveVaeNetConfig, vaePreset } from './config.ts';
import { buildEncoder } from './encoders.ts';
import { formatSummary, summarizeModel } from './summary.ts';

describe('model summary', () => {
  it('counts 2 x multiply-adds of conv, transposed conv, dense and C_N conv layers', () => {
    const x = input({ shape: [5, 5, 1] });
    const a = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(x) as SymbolicTensor;
    const b = layers.conv2dTranspose({ filters: 2, kernelSize: 3, padding: 'same', name: 'deconv' }).apply(a) as SymbolicTensor;
    const c = new LiftingConv2D({ inType: trivialFields(cyclicGroup(4), 2), outType: regularFields(4, 2), kernelSize: 3, name: 'lift' }).apply(b) as SymbolicTensor;
    const d = layers.flatten().apply(c) as SymbolicTensor;
    const e = layers.dense({ units: 10, name: 'dense' }).apply(d) as SymbolicTensor;
    const s = summarizeModel(model({ inputs: x, outputs: e }));
    const flops = Object.fromEntries(s.layers.map((r) => [r.name, r.flops]));
    expect(flops.conv).toBe(2 * 9 * 1 * 4 * 25);
    expect(flops.deconv).toBe(2 * 9 * 4 * 2 * 25);
    expect(flops.lift).toBe(2 * 9 * 2 * 8 * 25);
    expect(flops.dense).toBe(2 * 200 * 10);
    expect(s.flopsPerImage).toBe(1800 + 3600 + 7200 + 4000);
    // Filter expansion of the lifting layer: [9 * 4, 6] x [6, 2 * 2] per step.
    expect(s.stepFlops).toBe(2 * 36 * 6 * 4);
    expect(s.params).toBe(s.trainableParams);
  });

  it('formats a table with totals', () => {
    const enc = buildEncoder(vaePreset('default', 'gcnn'));
    const text = formatSummary(summarizeModel(enc));
    expect(text).toMatch(/enc_gconv2\s+GroupConv2D\s+\[B, 9, 9, 128\]/);
    expect(text).toMatch(/parameters: 80,039 \(trainable 79,895, non-trainable 144\)/);
    expect(text).toMatch(/forward FLOPs per image: 305\.94M/);
  });

  it('counts the SO(2) convolutions on their expanded filters and the Fourier nonlinearity\'s two sample matmuls', () => {
    const x = input({ shape: [5, 5, 1] });
    const lift = new So2Conv2D({ inType: trivialFields(SO2_GROUP, 1), outType: fourierFields(2, 3), kernelSize: 3, name: 'lift' });
    const a = lift.apply(x) as SymbolicTensor;
    const b = new FourierPointwise({ fieldType: fourierFields(2, 3), samples: 8, name: 'act' }).apply(a) as SymbolicTensor;
    const s = summarizeModel(model({ inputs: x, outputs: b }));
    const flops = Object.fromEntries(s.layers.map((r) => [r.name, r.flops]));
    // Lifting: k^2 Cin Cout per pixel, Cout = 3 fields x 5 channels.
    expect(flops.lift).toBe(2 * 9 * 1 * 15 * 25);
    // Fourier ELU: [5 -> 8] and [8 -> 5] matmuls per field and pixel.
    expect(flops.act).toBe(2 * 2 * 5 * 8 * 3 * 25);
    // Filter expansion: [9 * 1 * 5, S] x [S, 1 * 3] once per step.
    expect(s.stepFlops).toBe(2 * 9 * 5 * lift.nBasis * 3);
  });

  it('counts the orbit copies, the blur and the spectrum pooling of the default G-CNN encoder', () => {
    const s = summarizeModel(buildEncoder(vaePreset('default', 'gcnn')));
    const row = (name: string) => s.layers.find((r) => r.name === name)!;
    // Three copies of every image pass the convolutions: 3 x 2 k^2 Cin Cout H W.
    expect(row('enc_gconv2').flops).toBe(3 * 2 * 25 * 64 * 128 * 9 * 9);
    expect(row('enc_gconv3').flops).toBe(3 * 2 * 25 * 128 * 128 * 9 * 9);
    // The 5 x 5 Gaussian (sigma 1) in front of the strided second layer: 64 channels of 17 x 17, on every copy.
    expect(row('enc_antialias2').flops).toBe(3 * 2 * 25 * 64 * 17 * 17);
    // Five rings over 9 x 9 x 128, then two [8 -> 5] DFT matmuls per field and ring; two angular harmonics on the
    // four rings beyond the centre: 8 rows of moments (cosine and sine matmuls over 9 x 9 x 128), then four
    // [8 -> 8] DFT matmuls per field and row; all on every copy.
    expect(row('enc_spectrum_pool').flops).toBe(3 * (2 * 5 * 81 * 128 + 4 * 5 * 128 * 5 + 2 * 2 * 8 * 81 * 128 + 4 * 2 * 8 * 16 * 8 * 8));
    // After the orbit mean the head sees one row per image: 16 fields x (25 ring-spectrum + 64 harmonic) features.
    expect(row('enc_head_dense').flops).toBe(2 * 16 * 89 * 32);
    // Without the harmonics only the ring spectrum remains.
    const k0 = summarizeModel(buildEncoder(resolveVaeNetConfig({ encoder: { kind: 'gcnn', angularHarmonics: 0 } })));
    expect(k0.layers.find((r) => r.name === 'enc_spectrum_pool')!.flops).toBe(3 * (2 * 5 * 81 * 128 + 4 * 5 * 128 * 5));
    expect(k0.layers.find((r) => r.name === 'enc_head_dense')!.flops).toBe(2 * 400 * 32);
    // Phase alignment adds, per copy: the reference over 16 x 21 coefficients of order +-1 (two [336 -> 1] matmuls),
    // the powers of u for orders -4..5 spread over the 16 x (25 + 64) coefficients (two [10 -> 1424] matmuls) and one
    // complex product each.
    const aligned = summarizeModel(buildEncoder(resolveVaeNetConfig({ encoder: { kind: 'gcnn', alignPhases: true } })));
    expect(aligned.layers.find((r) => r.name === 'enc_spectrum_pool')!.flops - row('enc_spectrum_pool').flops).toBe(3 * (4 * 336 + 4 * 10 * 1424 + 8 * 1424));
  });

  it('formats the SO(2) encoder with its FLOPs', () => {
    const enc = buildEncoder(vaePreset('default', 'so2'));
    const text = formatSummary(summarizeModel(enc));
    expect(text).toMatch(/enc_so2conv2\s+So2Conv2D\s+\[B, 17, 17, 112\]\s+8,336\s+90\.63M/);
    expect(text).toMatch(/enc_act2\s+FourierPointwise\s+\[B, 17, 17, 112\]\s+0\s+2\.07M/);
    expect(text).toMatch(/parameters: 31,543 \(trainable 31,279, non-trainable 264\)/);
    expect(text).toMatch(/forward FLOPs per image: 148\.22M/);
    console.log(text);
  });
});
