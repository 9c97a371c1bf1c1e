import { describe, expect, it } from 'vitest';
import {
  cnnCounterpart,
  countDecoderParams,
  countEncoderParams,
  encoderMapSizes,
  matchCnnWidths,
  readVaeNetConfig,
  resolveVaeNetConfig,
  vaePreset,
  validateVaeNetConfig,
  type GcnnEncoderConfig,
  type So2EncoderConfig,
} from './config.ts';
import { buildEncoder } from './encoders.ts';
import { NetConfigError } from './errors.ts';

describe('VAE network configs', () => {
  it('keeps the rotation centre on a sample: 33 -> 17 -> 9 -> 9 (default), 33 -> 17 -> 17 -> 9 (paper)', () => {
    const cfg = vaePreset('default', 'gcnn');
    expect(encoderMapSizes(cfg.imageSize, cfg.encoder)).toEqual([33, 17, 9, 9]);
    expect(cfg.encoder.kind).toBe('gcnn');
    const paper = vaePreset('paper', 'gcnn');
    expect(encoderMapSizes(paper.imageSize, paper.encoder)).toEqual([33, 17, 17, 9]);
    // The S-VAE's CNN takes the G-CNN's geometry.
    expect(vaePreset('default', 'cnn').encoder.strides).toEqual(cfg.encoder.strides);
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
    expect(c.latent).toEqual({ family: 'normal', dim: 6, kappaInit: null });
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
    bad({ encoder: { angularHarmonics: 2, groupPooling: 'max' } }, /^encoder\.angularHarmonics: .*groupPooling 'spectrum' and spatialPooling 'rings'/);
    bad({ encoder: { angularHarmonics: 2, spatialPooling: 'mean' } }, /^encoder\.angularHarmonics: /);
    bad({ encoder: { angularHarmonics: -1 } }, /^encoder\.angularHarmonics/);
    bad({ encoder: { alignPhases: true, groupPooling: 'max', angularHarmonics: 0 } }, /^encoder\.alignPhases: .*groupPooling 'spectrum'/);
    bad({ encoder: { alignPhases: 'yes' } }, /^encoder\.alignPhases/);
    // The default preset's harmonics give way when a partial config leaves the ring spectrum without naming them.
    expect((resolveVaeNetConfig({ encoder: { groupPooling: 'max' } }).encoder as GcnnEncoderConfig).angularHarmonics).toBe(0);
    expect((resolveVaeNetConfig({ encoder: { widths: [4, 4, 4] } }).encoder as GcnnEncoderConfig).angularHarmonics).toBe(2);
    bad({ imageSize: 32 }, /^imageSize: the rotation centre must stay on a sample.*size 32 is even.*25, 33/);
    bad({ imageSize: 29 }, /^encoder\.strides\[1\]: .*even 8x8 map/);
    bad({ encoder: { kind: 'cnn', padding: 0 }, decoder: { kernelSize: 1 } }, /^decoder\.kernelSize: transposed convolution 1 \(stride 1\) cannot grow 2x2 to 6x6 with kernel 1; use a kernel of at least 5/);
    expect(() => vaePreset('huge' as 'default', 'gcnn')).toThrow(/^preset: unknown preset "huge"/);
  });

  it('counts the head inputs that angular harmonics and phase alignment add, as the built encoder does', () => {
    for (const alignPhases of [false, true]) {
      for (const angularHarmonics of [0, 2]) {
        const cfg = resolveVaeNetConfig({ encoder: { kind: 'gcnn', widths: [4, 6, 6], angularHarmonics, alignPhases, orbit: 1 } });
        const enc = buildEncoder(cfg);
        const trainable = enc.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
        expect(countEncoderParams(cfg).trainable).toBe(trainable);
        // 6 fields x (5 rings x 5 spectrum magnitudes + K x 4 rings x 8 orientation frequencies) inputs to a 32-unit hidden
        // layer; aligned, the ring means keep 1 + 2 x 4 numbers per ring and every moment two.
        const perField = alignPhases ? 45 + angularHarmonics * 64 : 25 + angularHarmonics * 32;
        expect(enc.getLayer('enc_spectrum_pool').outputShape).toEqual([null, 6 * perField]);
        enc.dispose();
      }
    }
  });

  it('reads configs saved before the blur, orbit, angular harmonics and phase alignment existed as the models were built', () => {
    // Configs saved before versions existed have no configVersion (version 0).
    const { configVersion: _v, ...saved } = vaePreset('default', 'gcnn');
    const { antialias: _a, orbit: _o, angularHarmonics: _h, alignPhases: _p, ...older } = saved.encoder as GcnnEncoderConfig;
    const e = readVaeNetConfig({ ...saved, encoder: older }).encoder as GcnnEncoderConfig;
    expect([e.antialias, e.orbit, e.angularHarmonics, e.alignPhases]).toEqual([null, 1, 0, false]);
  });

  it('lets the plain CNN use geometries the G-CNN must refuse', () => {
    const c = resolveVaeNetConfig({ imageSize: 32, encoder: { kind: 'cnn', kernelSize: 4, padding: 1 } });
    expect(encoderMapSizes(c.imageSize, c.encoder)).toEqual([32, 16, 8, 7]);
    expect(() => validateVaeNetConfig({ ...c, seed: -1 })).toThrow(/^seed/);
  });
});

describe('SO(2) encoder configs (encoder.kind so2)', () => {
  it('has default and paper presets on the C_N presets\' geometry, latent and decoder', () => {
    for (const preset of ['default', 'paper'] as const) {
      const s = vaePreset(preset, 'so2');
      const g = vaePreset(preset, 'gcnn');
      const e = s.encoder as So2EncoderConfig;
      expect(e).toMatchObject({ kind: 'so2', maxFrequency: 3, samples: 16, kernelSize: 5, strides: [2, 1, 2], padding: 2, invariantMap: 'conv' });
      expect(encoderMapSizes(s.imageSize, e)).toEqual([33, 17, 17, 9]);
      expect([s.latent, s.decoder, s.imageSize]).toEqual([g.latent, g.decoder, g.imageSize]);
    }
    expect(vaePreset('default', 'so2').encoder.widths).toEqual([8, 16, 16]);
    expect(vaePreset('paper', 'so2').encoder.widths).toEqual([64, 64, 128]);
    expect(resolveVaeNetConfig({ encoder: { kind: 'so2' } }, { preset: 'paper' })).toEqual(vaePreset('paper', 'so2'));
    expect(resolveVaeNetConfig({}, { kind: 'so2' }).encoder.kind).toBe('so2');
  });

  it('counts parameters analytically as the built model does; the paper preset has about 800k like the paper', () => {
    const variants: Array<[string, unknown]> = [
      ['default', { encoder: { kind: 'so2' } }],
      ['paper', vaePreset('paper', 'so2')],
      ['norm map, 2 channels, no BN, L = 2', { channels: 2, encoder: { kind: 'so2', widths: [3, 5], strides: [2, 2], invariantMap: 'norm', batchNorm: false, maxFrequency: 2 }, decoder: { widths: [8, 4] } }],
      ['L = 0, kernel 3, no hidden layer', { encoder: { kind: 'so2', maxFrequency: 0, samples: 4, kernelSize: 3, padding: 1, head: { hidden: 0 } } }],
    ];
    const lines: string[] = [];
    for (const [name, input] of variants) {
      const cfg = resolveVaeNetConfig(input);
      const enc = buildEncoder(cfg);
      const counted = countEncoderParams(cfg);
      const trainable = enc.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
      expect(counted).toEqual({ trainable, nonTrainable: enc.countParams() - trainable });
      lines.push(`SO(2) encoder ${name}: ${counted.trainable} trainable, ${counted.nonTrainable} moving statistics`);
      enc.dispose();
    }
    const paper = countEncoderParams(vaePreset('paper', 'so2')).trainable;
    const paperC8 = countEncoderParams(vaePreset('paper', 'gcnn')).trainable;
    lines.push(`paper SO(2) encoder ${paper} vs paper C8 encoder ${paperC8} (the paper: about 800k)`);
    console.log(lines.join('\n'));
    expect(paper).toBe(813_959);
    expect(paper).toBeGreaterThan(750_000);
    expect(paper).toBeLessThan(850_000);
  });

  it('names the offending SO(2) field', () => {
    const bad = (encoder: Record<string, unknown>, pattern: RegExp, extra: Record<string, unknown> = {}): void => {
      const input = { ...extra, encoder: { kind: 'so2', ...encoder } };
      expect(() => resolveVaeNetConfig(input)).toThrow(NetConfigError);
      expect(() => resolveVaeNetConfig(input)).toThrow(pattern);
    };
    bad({ samples: 10 }, /^encoder\.samples: must be a multiple of 4 .* got 10/);
    bad({ samples: 4 }, /^encoder\.samples: .*at least 2L \+ 1 = 7 for L = 3/);
    bad({ maxFrequency: 20 }, /^encoder\.maxFrequency: must be an integer in \[0, 16\]/);
    bad({ invariantMap: 'max' }, /^encoder\.invariantMap: must be one of 'conv', 'norm'/);
    bad({ invariantFields: 0 }, /^encoder\.invariantFields/);
    bad({ dropoutMode: 'pointwise' }, /^encoder\.dropoutMode: must be one of 'grid', 'field'/);
    bad({ N: 8 }, /^encoder\.N: unknown field/);
    bad({ kernelSize: 4, padding: 1 }, /^encoder\.kernelSize: must be odd/);
    bad({}, /^imageSize: the rotation centre must stay on a sample/, { imageSize: 32 });
  });
});
