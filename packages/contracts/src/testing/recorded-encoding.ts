// The fixture format of an encoder's recorded output: test images and the mu
// and kappa a saved model gave for them, with the machine facts that decide
// float rounding where they were recorded. Specs of saved models compare
// against it: bit for bit on the same kind of machine, closely elsewhere.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { numericsProvenance } from '../numerics-provenance.ts';

export interface RecordedEncoding {
  size: number;
  count: number;
  /** uint8 pixels, base64. */
  pixels: string;
  /** float32 little-endian, base64. */
  mu: string;
  kappa: string;
  machine: { kernelFlags: string[]; onednn: boolean; arch: string; logicalCores: number; env: Record<string, string> };
}

export function readRecordedEncoding(file: string): RecordedEncoding {
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedEncoding;
}

/** The recorded images as floats in [0, 1], NHWC with one channel. */
export function recordedImages(recorded: RecordedEncoding): Float32Array {
  return Float32Array.from(Buffer.from(recorded.pixels, 'base64'), (v) => v / 255);
}

function float32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function base64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/**
 * Expects `mu` and `kappa` to be the recorded ones: the same bits on the kind of machine that
 * recorded them (same kernel flags, oneDNN, architecture, cores and thread settings), and within
 * 1e-5 (mu) and 1e-3 (kappa) elsewhere, where other kernels round differently.
 */
export function expectRecordedEncoding(mu: Float32Array, kappa: Float32Array, recorded: RecordedEncoding): void {
  const here = numericsProvenance(process.env, 'tensorflow');
  const m = recorded.machine;
  const sameMachineKind =
    JSON.stringify([here.cpu.kernelFlags, here.onednn, here.arch, here.cpu.logicalCores, here.env]) ===
    JSON.stringify([m.kernelFlags, m.onednn, m.arch, m.logicalCores, m.env]);
  if (sameMachineKind) {
    expect(base64(mu)).toBe(recorded.mu);
    expect(base64(kappa)).toBe(recorded.kappa);
  } else {
    expect(Array.from(mu)).toEqual(Array.from(float32(recorded.mu)).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(kappa)).toEqual(Array.from(float32(recorded.kappa)).map((v) => expect.closeTo(v, 3)));
  }
}
