import { describe, expect, it } from 'vitest';
import {
  cnnCounterpart,
  countDecoderParams,
  countEncoderParams,
  encoderMapSizes,
  matchCnnWidths,
  resolveVaeNetConfig,
  vaePreset,
  validateVaeNetConfig,
} from './config.ts';
import { NetConfigError } from './errors.ts';

describe('VAE network configs', () => {
  it('keeps the rotation centre on a sample: 33 -> 17 -> 17 -> 9', () => {
    const cfg = vaePreset('default', 'gcnn');
    expect(encoderMapSizes(cfg.imageSize, cfg.encoder)).toEqual([33, 17, 17, 9]);
    expect(cfg.encoder.kind).toBe('gcnn');
  });

  it('gives both VAEs the same latent, decoder and geometry, with encoder sizes within 10%', () => {
    for (const preset of ['default', 'paper'] as const) {
      const g = vaePreset(preset, 'gcnn');
      const c = vaePreset(preset, 'cnn');
      expect(c.decoder).toEqual(g.decoder);
      expect(c.latent).toEqual(g.latent);
      expect([c.imageSize, c.encoder.kernelSize, c.encoder.strides]).toEqual([g.imageSize, g.encoder.kernelSize, g.encoder.strides]);
      const pg = countEncoderParams(g).trainable;
      const pc = countEncoderParams(c).trainable;
      expect(Math.abs(pc - pg) / pg).toBeLessThan(0.1);
      const vg = pg + countDecoderParams(g).trainable;
      const vc = pc + countDecoderParams(c).trainable;
      expect(Math.abs(vc - vg) / vg).toBeLessThan(0.1);
      console.log(`${preset}: S-GVAE encoder ${pg} (widths ${g.encoder.widths.join('/')}), S-VAE encoder ${pc} (widths ${c.encoder.widths.join('/')}), decoder ${countDecoderParams(g).trainable}`);
    }
    const paper = countEncoderParams(vaePreset('paper', 'gcnn')).trainable;
    expect(paper).toBeGreaterThan(700_000);
    expect(paper).toBeLessThan(900_000);
  });

  it('picks CNN widths in the paper ratio 2:2:1 that match a G-CNN', () => {
    const g = resolveVaeNetConfig({ encoder: { widths: [8, 16, 16], N: 4 } });
    const m = matchCnnWidths(g);
    expect(m.relativeDifference).toBeCloseTo(Math.abs(m.cnnParams - m.gcnnParams) / m.gcnnParams, 12);
    expect(m.widths[0]).toBe(m.widths[1]);
    expect(Math.abs(m.widths[0]! - 2 * m.widths[2]!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.cnnParams - m.gcnnParams) / m.gcnnParams).toBeLessThan(0.1);
    expect(cnnCounterpart(g).encoder.widths).toEqual(m.widths);
    // A tiny G-CNN cannot be matched: the CNN's flatten -> hidden layer alone is larger.
    expect(matchCnnWidths(resolveVaeNetConfig({ encoder: { widths: [2, 2, 2], N: 4 } })).relativeDifference).toBeGreaterThan(0.1);
  });

  it('fills partial configs from a preset and switches kinds cleanly', () => {
    const c = resolveVaeNetConfig({ encoder: { kind: 'cnn', widths: [8, 8, 4] }, latent: { family: 'normal' } });
    expect(c.encoder).toMatchObject({ kind: 'cnn', widths: [8, 8, 4], kernelSize: 5 });
    expect(c.latent).toEqual({ family: 'normal', dim: 6 });
    expect('N' in c.encoder).toBe(false);
    const g = resolveVaeNetConfig({ encoder: { N: 16 } }, { preset: 'paper' });
    expect(g.encoder).toMatchObject({ kind: 'gcnn', N: 16 });
  });

  it('names the offending field', () => {
    const bad = (input: unknown, pattern: RegExp): void => {
      expect(() => resolveVaeNetConfig(input)).toThrow(NetConfigError);
      expect(() => resolveVaeNetConfig(input)).toThrow(pattern);
    };
    bad({ encoder: { widths: [8, -1, 4] } }, /^encoder\.widths\[1\]: must be an integer/);
    bad({ encoder: { widht: [8] } }, /^encoder\.widht: unknown field/);
    bad({ encoder: { strides: [2, 1] } }, /^encoder\.strides: needs one stride per layer/);
    bad({ latent: { family: 'gauss' } }, /^latent\.family: must be one of 'vmf', 'normal'/);
    bad({ latent: { dim: 1 } }, /^latent\.dim/);
    bad({ decoder: { widths: [8, 8] } }, /^decoder\.widths: needs one width per encoder layer \(3\)/);
    bad({ encoder: { dropout: 1 } }, /^encoder\.dropout/);
    bad({ encoder: { kernelSize: 4, padding: 1 } }, /^encoder\.kernelSize: must be odd/);
    bad({ encoder: { head: { hidden: 'many' } } }, /^encoder\.head\.hidden/);
    bad({ imageSize: 32 }, /^imageSize: the rotation centre must stay on a sample.*size 32 is even.*25, 33/);
    bad({ imageSize: 29 }, /^encoder\.strides\[2\]: .*even 8x8 map/);
    bad({ encoder: { kind: 'cnn', padding: 0 }, decoder: { kernelSize: 1 } }, /^decoder\.kernelSize: transposed convolution 1 \(stride 2\) cannot grow 4x4 to 11x11 with kernel 1; use a kernel of at least 5/);
    expect(() => vaePreset('huge' as 'default', 'gcnn')).toThrow(/^preset: unknown preset "huge"/);
  });

  it('lets the plain CNN use geometries the G-CNN must refuse', () => {
    const c = resolveVaeNetConfig({ imageSize: 32, encoder: { kind: 'cnn', kernelSize: 4, padding: 1 } });
    expect(encoderMapSizes(c.imageSize, c.encoder)).toEqual([32, 16, 15, 7]);
    expect(() => validateVaeNetConfig({ ...c, seed: -1 })).toThrow(/^seed/);
  });
});
