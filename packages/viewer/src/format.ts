// What the export stage writes and the page reads: the viewer manifest and
// the compact binary of test digits. Browser-safe (no `node:` imports): the
// page bundles this file, the exporter and the tests import it in Node.
//
//   <viewer>/index.html, main.js, style.css   the page
//   <viewer>/viewer-manifest.json             this file's ViewerManifest
//   <viewer>/digits.bin                       test digits (see encodeDigits)
//   <viewer>/latents/<model>.f32              mu of every exported digit, float32 LE [count, dim]
//   <viewer>/reference.f32                    tfjs-node reconstructions of the reference cases
//   <viewer>/models/<model>/manifest.json     the train stage's manifest (machine path removed)
//   <viewer>/models/<model>/{encoder,decoder}/model.json + weights
//   <viewer>/wasm/*.wasm                      the WebAssembly backend's binaries

export const VIEWER_FORMAT = 'sgvae-viewer';
/** Raised whenever the page could misread an older export; the page refuses any other version. */
export const VIEWER_FORMAT_VERSION = 1;
export const VIEWER_MANIFEST_FILE = 'viewer-manifest.json';
export const DIGITS_FILE = 'digits.bin';
export const REFERENCE_FILE = 'reference.f32';

export class ViewerFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A file of the export with its size and sha256, so the page can tell a damaged copy. */
export interface FileEntry {
  /** Path relative to the viewer folder, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
}

export type LatentView =
  | { kind: 'sphere' }
  | {
      kind: 'pca';
      /** Mean of the exported digits' mu, [dim]. */
      mean: number[];
      /** The two leading principal directions, [2][dim]. */
      components: [number[], number[]];
      /** Fraction of the variance the two directions explain. */
      explained: number;
    };

export interface ViewerModel {
  /** Name in the pipeline (sgvae, svae, ...); also the folder under models/. */
  name: string;
  /** Label as in the report. */
  label: string;
  /** sgvae | sgvae-so2 | svae | svae-aug | other. */
  kind: string;
  latentDim: number;
  imageSize: number;
  encoder: FileEntry[];
  decoder: FileEntry[];
  manifest: FileEntry;
  /** model.json of each role, relative to the viewer folder. */
  encoderUrl: string;
  decoderUrl: string;
  /** Whether the evaluation's pose estimate means something for this model, and why not when it does not. */
  pose: { available: true } | { available: false; reason: string };
  latents: FileEntry;
  latentView: LatentView;
  /** The code that trained the model (its train manifest), or null. */
  trainedBy: string | null;
}

export interface ReferenceCase {
  /** Index into the exported digits. */
  digit: number;
  angle: number;
  /** Per model name: what tfjs-node computed. */
  models: Record<string, { mu: number[]; kappa: number; cosine: number; pose: number | null; poseCorrelation: number | null }>;
}

export interface ViewerManifest {
  format: typeof VIEWER_FORMAT;
  formatVersion: number;
  /** The pipeline that exported it (smoke, pipeline, paper): names the command that rebuilds it. */
  pipeline: string;
  /** @sgvae/contracts code version of the export (commit, +dirty), or `unknown`. */
  codeVersion: string;
  image: {
    size: number;
    /** Sub-samples per axis of the data stage's rotation (the rotated test sets use it). */
    supersample: number;
    angleConvention: string;
    /** Where a 28x28 digit goes in the size x size image (the data stage's padding). */
    padding: { top: number; left: number };
  };
  digits: FileEntry & { count: number; set: string };
  pose: { coarseStepDeg: number; refineStepDeg: number };
  models: ViewerModel[];
  reference: {
    file: FileEntry;
    /** Layout of the file: for each case, for each model in `models` order, size*size float32 LE. */
    cases: ReferenceCase[];
  };
  page: FileEntry[];
}

/** The command that rebuilds a pipeline's viewer. */
export function rebuildCommand(pipeline: string): string {
  return `npx nx run ${pipeline}--export-viewer:run`;
}

/** Checks the parts of a parsed viewer-manifest.json the page relies on; throws ViewerFormatError saying what is wrong. */
export function checkViewerManifest(raw: unknown, expectedVersion = VIEWER_FORMAT_VERSION): ViewerManifest {
  const m = raw as Partial<ViewerManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== VIEWER_FORMAT) {
    throw new ViewerFormatError(`${VIEWER_MANIFEST_FILE} is not a viewer manifest (format "${VIEWER_FORMAT}")`);
  }
  if (m.formatVersion !== expectedVersion) {
    const older = typeof m.formatVersion === 'number' && m.formatVersion < expectedVersion;
    throw new ViewerFormatError(
      `${VIEWER_MANIFEST_FILE} has format version ${String(m.formatVersion)}; this page reads version ${expectedVersion}` +
        (older ? ' (the viewer was exported by an older version of the code)' : ' (the page is older than the export)'),
    );
  }
  if (typeof m.pipeline !== 'string' || !Array.isArray(m.models) || m.image === undefined || m.digits === undefined || m.reference === undefined) {
    throw new ViewerFormatError(`${VIEWER_MANIFEST_FILE} lacks pipeline, image, digits, models or reference`);
  }
  for (const model of m.models) {
    if (typeof model?.name !== 'string' || !Number.isInteger(model.latentDim) || model.latentDim < 1 || typeof model.encoderUrl !== 'string') {
      throw new ViewerFormatError(`${VIEWER_MANIFEST_FILE} has a malformed model entry (${JSON.stringify(model?.name)})`);
    }
  }
  return m as ViewerManifest;
}

// ---------------------------------------------------------------------------
// digits.bin: the exported test digits.
//   bytes 0..7    ASCII "SGVDIGIT"
//   u32 LE        format version (1)
//   u32 LE        count N
//   u32 LE        side S
//   u32 LE        header size (24)
//   N x u32 LE    index of each digit in its dataset
//   N x u8        labels 0..9
//   N x S x S u8  pixels, row-major, row 0 at the top, 0 = background, 255 = ink
// ---------------------------------------------------------------------------

const DIGITS_MAGIC = 'SGVDIGIT';
export const DIGITS_VERSION = 1;
const DIGITS_HEADER = 24;

export interface Digits {
  count: number;
  size: number;
  /** Index of each digit in the dataset it was taken from. */
  indices: Uint32Array;
  labels: Uint8Array;
  /** count * size * size pixels, 0..255. */
  images: Uint8Array;
}

export function digitsByteLength(count: number, size: number): number {
  return DIGITS_HEADER + 4 * count + count + count * size * size;
}

export function encodeDigits(d: Digits): Uint8Array {
  const { count, size } = d;
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(size) || size < 1) throw new ViewerFormatError(`digits: bad count ${count} or size ${size}`);
  if (d.indices.length !== count || d.labels.length !== count || d.images.length !== count * size * size) {
    throw new ViewerFormatError(`digits: ${d.indices.length} indices, ${d.labels.length} labels and ${d.images.length} pixels do not make ${count} images of ${size}x${size}`);
  }
  for (let i = 0; i < count; i++) if (d.labels[i]! > 9) throw new ViewerFormatError(`digits: label #${i} is ${d.labels[i]}, outside 0..9`);
  const out = new Uint8Array(digitsByteLength(count, size));
  const view = new DataView(out.buffer);
  for (let i = 0; i < DIGITS_MAGIC.length; i++) out[i] = DIGITS_MAGIC.charCodeAt(i);
  view.setUint32(8, DIGITS_VERSION, true);
  view.setUint32(12, count, true);
  view.setUint32(16, size, true);
  view.setUint32(20, DIGITS_HEADER, true);
  let o = DIGITS_HEADER;
  for (let i = 0; i < count; i++, o += 4) view.setUint32(o, d.indices[i]!, true);
  out.set(d.labels, o);
  out.set(d.images, o + count);
  return out;
}

export function decodeDigits(bytes: Uint8Array): Digits {
  if (bytes.length < DIGITS_HEADER) throw new ViewerFormatError(`${DIGITS_FILE} is ${bytes.length} bytes, shorter than its ${DIGITS_HEADER}-byte header`);
  const magic = String.fromCharCode(...bytes.subarray(0, DIGITS_MAGIC.length));
  if (magic !== DIGITS_MAGIC) throw new ViewerFormatError(`${DIGITS_FILE} does not start with "${DIGITS_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== DIGITS_VERSION) throw new ViewerFormatError(`${DIGITS_FILE} has version ${version}; this code reads version ${DIGITS_VERSION}`);
  const count = view.getUint32(12, true);
  const size = view.getUint32(16, true);
  const header = view.getUint32(20, true);
  if (header !== DIGITS_HEADER || size < 1 || size > 4096) throw new ViewerFormatError(`${DIGITS_FILE} has a malformed header (size ${size}, header ${header})`);
  const expected = digitsByteLength(count, size);
  if (bytes.length !== expected) throw new ViewerFormatError(`${DIGITS_FILE} is ${bytes.length} bytes; ${count} digits of ${size}x${size} take ${expected} (truncated or overwritten)`);
  const indices = new Uint32Array(count);
  let o = DIGITS_HEADER;
  for (let i = 0; i < count; i++, o += 4) indices[i] = view.getUint32(o, true);
  const labels = bytes.slice(o, o + count);
  for (let i = 0; i < count; i++) if (labels[i]! > 9) throw new ViewerFormatError(`${DIGITS_FILE}: label #${i} is ${labels[i]}, outside 0..9`);
  const images = bytes.slice(o + count, o + count + count * size * size);
  return { count, size, indices, labels, images };
}

/** Float32 little-endian bytes -> Float32Array (copied, so any alignment works). */
export function decodeFloat32(bytes: Uint8Array, expectedLength: number, what: string): Float32Array {
  if (bytes.length !== expectedLength * 4) throw new ViewerFormatError(`${what} is ${bytes.length} bytes; expected ${expectedLength} float32 values (${expectedLength * 4} bytes)`);
  const out = new Float32Array(expectedLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < expectedLength; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Float32Array -> little-endian bytes. */
export function encodeFloat32(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return out;
}
