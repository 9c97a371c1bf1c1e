import { describe, expect, it } from 'vitest';
import {
  VIEWER_FORMAT,
  VIEWER_FORMAT_VERSION,
  ViewerFormatError,
  checkViewerManifest,
  decodeDigits,
  decodeFloat32,
  digitsByteLength,
  encodeDigits,
  encodeFloat32,
  rebuildCommand,
  type Digits,
} from './format.ts';

function someDigits(count = 7, size = 5): Digits {
  return {
    count,
    size,
    indices: Uint32Array.from({ length: count }, (_, i) => 1000 * i + 70_000),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    images: Uint8Array.from({ length: count * size * size }, (_, i) => (i * 37) % 256),
  };
}

describe('digits.bin', () => {
  it('round-trips indices, labels and pixels', () => {
    const d = someDigits();
    const bytes = encodeDigits(d);
    expect(bytes.length).toBe(digitsByteLength(7, 5));
    expect(bytes.length).toBe(24 + 7 * 4 + 7 + 7 * 25);
    const back = decodeDigits(bytes);
    expect(back.count).toBe(7);
    expect(back.size).toBe(5);
    expect(Array.from(back.indices)).toEqual(Array.from(d.indices));
    expect(Array.from(back.labels)).toEqual(Array.from(d.labels));
    expect(Array.from(back.images)).toEqual(Array.from(d.images));
    // A view at an odd offset decodes too (the page hands over fetched bytes).
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(decodeDigits(shifted.subarray(3)).indices)).toEqual(Array.from(d.indices));
  });

  it('names what is wrong with a damaged file', () => {
    const bytes = encodeDigits(someDigits());
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated or overwritten/);
    expect(() => decodeDigits(bytes.subarray(0, 10))).toThrow(ViewerFormatError);
    const badMagic = bytes.slice();
    badMagic[0] = 0x41;
    expect(() => decodeDigits(badMagic)).toThrow(/does not start with "SGVDIGIT"/);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 2, true);
    expect(() => decodeDigits(newer)).toThrow(/version 2; this code reads version 1/);
    const badLabel = bytes.slice();
    badLabel[24 + 7 * 4 + 3] = 12;
    expect(() => decodeDigits(badLabel)).toThrow(/label #3 is 12/);
  });

  it('refuses to write inconsistent arrays', () => {
    expect(() => encodeDigits({ ...someDigits(), count: 8 })).toThrow(/do not make 8 images/);
    expect(() => encodeDigits({ ...someDigits(), labels: Uint8Array.from([1, 2, 3, 4, 5, 6, 10]) })).toThrow(/outside 0\.\.9/);
  });
});

describe('float32 files', () => {
  it('round-trip little-endian values and check the length', () => {
    const v = Float32Array.from([0, -1.5, 3.25e-7, 1e30]);
    expect(Array.from(decodeFloat32(encodeFloat32(v), 4, 'x'))).toEqual(Array.from(v));
    expect(() => decodeFloat32(encodeFloat32(v), 5, 'latents/a.f32')).toThrow(/latents\/a\.f32 is 16 bytes; expected 5 float32 values/);
  });
});

describe('the viewer manifest check', () => {
  const good = { format: VIEWER_FORMAT, formatVersion: VIEWER_FORMAT_VERSION, pipeline: 'smoke', image: {}, digits: {}, reference: {}, models: [{ name: 'sgvae', latentDim: 3, encoderUrl: 'models/sgvae/encoder/model.json' }] };

  it('accepts the current version and refuses others, saying which is older', () => {
    expect(checkViewerManifest(good).pipeline).toBe('smoke');
    expect(() => checkViewerManifest({ ...good, formatVersion: VIEWER_FORMAT_VERSION - 1 })).toThrow(/exported by an older version of the code/);
    expect(() => checkViewerManifest({ ...good, formatVersion: VIEWER_FORMAT_VERSION + 1 })).toThrow(/the page is older than the export/);
    expect(() => checkViewerManifest({ ...good, format: 'other' })).toThrow(/not a viewer manifest/);
    expect(() => checkViewerManifest(null)).toThrow(ViewerFormatError);
    expect(() => checkViewerManifest({ ...good, models: [{ name: 'x', latentDim: 0 }] })).toThrow(/malformed model entry/);
  });

  it('names the command that rebuilds a pipeline viewer', () => {
    expect(rebuildCommand('smoke')).toBe('npx nx run smoke--export-viewer:run');
  });
});
