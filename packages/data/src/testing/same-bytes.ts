// Byte comparison of typed arrays: vitest's deep equality walks large typed
// arrays element by element through its generic matcher, which takes seconds
// for a batch of images.
type Typed = Uint8Array | Float32Array | Uint32Array;

export function sameBytes(a: Typed, b: Typed): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
