// Versions of the VAE network config. A config is saved with the models it
// built (the train stage's manifest); a config saved by earlier code is
// migrated step by step to the current version when it is read, so that
// validation of the current version needs every field and has no defaults.
// A config without `configVersion` is version 0.
//
// Adding an option to a config: give it a value in the presets, require it in
// the family's validation, bump VAE_NET_CONFIG_VERSION, and append a step
// here that sets the value the older models were built with.
import { fail, isRecord } from './common.ts';

/** The version this code writes and validates. */
export const VAE_NET_CONFIG_VERSION = 1;

type Config = Record<string, unknown>;

/** Sets `record[key]` to `value` where the key is absent. */
function fill(record: unknown, key: string, value: unknown): void {
  if (isRecord(record) && record[key] === undefined) record[key] = value;
}

/** STEPS[v] takes a config of version v to version v + 1, in place. */
const STEPS: ReadonlyArray<(c: Config) => void> = [
  // 0 -> 1. Version 0 is every config written before versions existed. Options added
  // while it was current are absent in the configs saved before them, and the
  // models were built without them: no seed, the kappa head at bias 0, and for the
  // equivariant encoders no blur, no orbit, ring means only and magnitudes only.
  (c) => {
    fill(c, 'seed', null);
    fill(c.latent, 'kappaInit', null);
    const e = c.encoder;
    if (isRecord(e) && (e.kind === 'gcnn' || e.kind === 'so2')) {
      fill(e, 'antialias', null);
      fill(e, 'orbit', 1);
      if (e.kind === 'gcnn') {
        fill(e, 'angularHarmonics', 0);
        fill(e, 'alignPhases', false);
      }
    }
  },
];

/** The version of a raw config: its `configVersion`, or 0 when absent. */
export function vaeNetConfigVersion(raw: Config): number {
  const v = raw.configVersion;
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail('configVersion', `must be a non-negative integer, got ${JSON.stringify(v)}`);
  if (v > VAE_NET_CONFIG_VERSION) {
    fail('configVersion', `is ${v}, newer than this code's ${VAE_NET_CONFIG_VERSION}: the config was written by newer code; read it with that code`);
  }
  return v;
}

/**
 * A copy of `raw` migrated to the current version (configVersion first). Anything that is
 * not an object is returned as it is, for validation to report.
 */
export function migrateVaeNetConfig(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const from = vaeNetConfigVersion(raw);
  const { configVersion: _v, ...rest } = JSON.parse(JSON.stringify(raw)) as Config;
  for (let v = from; v < VAE_NET_CONFIG_VERSION; v++) STEPS[v]!(rest);
  return { configVersion: VAE_NET_CONFIG_VERSION, ...rest };
}
