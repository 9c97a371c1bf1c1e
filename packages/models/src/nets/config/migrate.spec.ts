import { describe, expect, it } from 'vitest';
import { ENCODER_KINDS } from '../families/index.ts';
import type { GcnnEncoderConfig } from '../families/gcnn.ts';
import type { So2EncoderConfig } from '../families/so2.ts';
import { NetConfigError } from '../errors.ts';
import { VAE_NET_CONFIG_VERSION, migrateVaeNetConfig } from './migrate.ts';
import { readVaeNetConfig, resolveVaeNetConfig, validateVaeNetConfig, vaePreset } from './vae-config.ts';

/** A config as the code before versions wrote it: no configVersion, and without the fields named. */
function version0(kind: 'cnn' | 'gcnn' | 'so2', drop: { encoder?: string[]; latent?: string[]; top?: string[] } = {}): Record<string, unknown> {
  const { configVersion: _v, ...c } = vaePreset('default', kind) as unknown as Record<string, Record<string, unknown>>;
  const without = (o: Record<string, unknown>, keys: string[] = []): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  return { ...without(c, drop.top), latent: without(c.latent!, drop.latent), encoder: without(c.encoder!, drop.encoder) };
}

describe('VAE network config versions', () => {
  it('writes the current version in presets and resolved configs', () => {
    for (const kind of ENCODER_KINDS) {
      for (const preset of ['default', 'paper'] as const) {
        expect(vaePreset(preset, kind).configVersion).toBe(VAE_NET_CONFIG_VERSION);
        expect(Object.keys(resolveVaeNetConfig({}, { preset, kind }))[0]).toBe('configVersion');
      }
    }
  });

  it('reads a version-0 config (no configVersion) with the options added since as those models were built', () => {
    const g = readVaeNetConfig(version0('gcnn', { encoder: ['antialias', 'orbit', 'angularHarmonics', 'alignPhases'], latent: ['kappaInit'], top: ['seed'] }));
    const e = g.encoder as GcnnEncoderConfig;
    expect([g.configVersion, g.seed, g.latent.kappaInit, e.antialias, e.orbit, e.angularHarmonics, e.alignPhases]).toEqual([VAE_NET_CONFIG_VERSION, null, null, null, 1, 0, false]);
    const s = readVaeNetConfig(version0('so2', { encoder: ['antialias', 'orbit'] })).encoder as So2EncoderConfig;
    expect([s.antialias, s.orbit]).toEqual([null, 1]);
    // Values a version-0 config does have are kept.
    for (const kind of ENCODER_KINDS) expect(readVaeNetConfig(version0(kind))).toEqual(vaePreset('default', kind));
  });

  it('migrates a copy, and leaves what is not an object for validation to report', () => {
    const raw = version0('gcnn', { encoder: ['orbit'] });
    const before = JSON.stringify(raw);
    const migrated = migrateVaeNetConfig(raw) as Record<string, unknown>;
    expect(JSON.stringify(raw)).toBe(before);
    expect(Object.keys(migrated)[0]).toBe('configVersion');
    expect(migrateVaeNetConfig([1])).toEqual([1]);
    expect(() => readVaeNetConfig('config')).toThrow(/^config: must be an object/);
  });

  it('requires every field of a current-version config, naming the missing one', () => {
    const current = vaePreset('default', 'gcnn') as unknown as Record<string, Record<string, unknown>>;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...current, encoder: { ...current.encoder, orbit: undefined } }, /^encoder\.orbit: must be an integer/],
      [{ ...current, encoder: { ...current.encoder, antialias: undefined } }, /^encoder\.antialias: must be a number/],
      [{ ...current, encoder: { ...current.encoder, angularHarmonics: undefined } }, /^encoder\.angularHarmonics: must be an integer/],
      [{ ...current, encoder: { ...current.encoder, alignPhases: undefined } }, /^encoder\.alignPhases: must be true or false/],
      [{ ...current, latent: { ...current.latent, kappaInit: undefined } }, /^latent\.kappaInit: must be a number/],
      [{ ...current, seed: undefined }, /^seed: must be an integer/],
    ];
    for (const [config, pattern] of cases) {
      expect(() => validateVaeNetConfig(config)).toThrow(NetConfigError);
      expect(() => validateVaeNetConfig(config)).toThrow(pattern);
      expect(() => readVaeNetConfig(config)).toThrow(pattern);
    }
  });

  it('validates only the current version, and refuses versions it does not know', () => {
    expect(() => validateVaeNetConfig(version0('cnn'))).toThrow(/^configVersion: must be 1 .*readVaeNetConfig/);
    expect(() => readVaeNetConfig({ ...version0('cnn'), configVersion: VAE_NET_CONFIG_VERSION + 1 })).toThrow(/^configVersion: is 2, newer than this code's 1/);
    expect(() => readVaeNetConfig({ ...version0('cnn'), configVersion: 'one' })).toThrow(/^configVersion: must be a non-negative integer/);
    expect(() => resolveVaeNetConfig({ configVersion: 7 })).toThrow(/^configVersion: is 7/);
  });
});
