import { input, layers, model } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { LiftingConv2D } from '../equivariant/cyclic-conv.ts';
import { cyclicGroup, regularFields, trivialFields } from '../equivariant/field-type.ts';
import { vaePreset } from './config.ts';
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
    expect(text).toMatch(/enc_gconv2\s+GroupConv2D\s+\[B, 17, 17, 128\]/);
    expect(text).toMatch(/parameters: 34,983 \(trainable 34,839, non-trainable 144\)/);
    expect(text).toMatch(/forward FLOPs per image: 185\.\d\dM/);
  });
});
