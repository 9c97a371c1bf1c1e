// The encoder families by kind. Adding a family: its file (config type,
// presets, validation, builder, parameter count) and one entry here.
import type { EncoderBase } from '../config/common.ts';
import { CNN_FAMILY, type CnnEncoderConfig } from './cnn.ts';
import type { EncoderFamily } from './family.ts';
import { GCNN_FAMILY, type GcnnEncoderConfig } from './gcnn.ts';
import { SO2_FAMILY, type So2EncoderConfig } from './so2.ts';

/**
 * Encoder families: `cnn` is the plain CNN (S-VAE); `gcnn` the C_N group CNN on regular
 * fields (the `cn` family; the name is kept because saved configs and stage params use it);
 * `so2` the SO(2)-steerable CNN on band-limited Fourier fields (the paper's escnn encoder).
 */
export const ENCODER_KINDS = ['cnn', 'gcnn', 'so2'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];
/** The rotation-equivariant encoder families (S-GVAE): C_N and SO(2). */
export const EQUIVARIANT_ENCODER_KINDS = ['gcnn', 'so2'] as const;
export type EquivariantEncoderKind = (typeof EQUIVARIANT_ENCODER_KINDS)[number];

export type EncoderConfig = CnnEncoderConfig | GcnnEncoderConfig | So2EncoderConfig;

const FAMILIES: { readonly [K in EncoderKind]: EncoderFamily<Extract<EncoderConfig, { kind: K }>, unknown> } = {
  cnn: CNN_FAMILY,
  gcnn: GCNN_FAMILY,
  so2: SO2_FAMILY,
};

/** The family of encoder `kind`, typed for any of its configs (dispatch on `encoder.kind`). */
export function encoderFamily(kind: EncoderKind): EncoderFamily<EncoderConfig, unknown> {
  return FAMILIES[kind] as EncoderFamily<EncoderBase & { kind: string }, unknown> as EncoderFamily<EncoderConfig, unknown>;
}
