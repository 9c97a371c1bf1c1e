/// <reference lib="dom" />
// Fetching the export's files: every file is checked against the size and
// sha256 the viewer manifest lists, so a damaged or mixed copy is named
// instead of giving wrong numbers. Models are loaded through an IOHandler
// that hands tfjs the checked bytes.
import * as tf from '@tensorflow/tfjs';
import { VIEWER_MANIFEST_FILE, checkViewerManifest, decodeDigits, decodeFloat32, type Digits, type FileEntry, type ViewerManifest, type ViewerModel } from '../format.ts';

/** A file of the export that is missing or not the one the manifest lists. */
export class AssetError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AssetError';
  }
}

let digestWarning: string | null = null;
/** Why checksums are not checked in this browser (crypto.subtle needs a secure context), or null. */
export function checksumWarning(): string | null {
  return digestWarning;
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetch(path, { cache: 'no-cache' });
  } catch (cause) {
    throw new AssetError(`${path} could not be fetched (${cause instanceof Error ? cause.message : String(cause)})`, path, { cause });
  }
  if (!response.ok) throw new AssetError(`${path} is missing (HTTP ${response.status})`, path);
  return new Uint8Array(await response.arrayBuffer());
}

/** Fetches a file the manifest lists and checks its size and sha256. */
export async function fetchChecked(entry: FileEntry): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await fetchBytes(entry.path);
  if (bytes.length !== entry.bytes) throw new AssetError(`${entry.path} is ${bytes.length} bytes, the export wrote ${entry.bytes} (truncated or replaced)`, entry.path);
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    digestWarning = 'this page is not in a secure context (https or localhost), so the files\' checksums are not checked';
    return bytes;
  }
  const digest = hex(await subtle.digest('SHA-256', bytes));
  if (digest !== entry.sha256) throw new AssetError(`${entry.path} does not match its sha256 in ${VIEWER_MANIFEST_FILE} (the file was changed after the export)`, entry.path);
  return bytes;
}

export async function loadViewerManifest(): Promise<ViewerManifest> {
  const bytes = await fetchBytes(VIEWER_MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new AssetError(`${VIEWER_MANIFEST_FILE} is not valid JSON`, VIEWER_MANIFEST_FILE, { cause });
  }
  return checkViewerManifest(raw);
}

export async function loadDigits(manifest: ViewerManifest): Promise<Digits> {
  const digits = decodeDigits(await fetchChecked(manifest.digits));
  if (digits.size !== manifest.image.size || digits.count !== manifest.digits.count) {
    throw new AssetError(`${manifest.digits.path} holds ${digits.count} digits of ${digits.size}x${digits.size}; the manifest says ${manifest.digits.count} of ${manifest.image.size}x${manifest.image.size}`, manifest.digits.path);
  }
  return digits;
}

export async function loadLatents(model: ViewerModel, count: number): Promise<Float32Array> {
  return decodeFloat32(await fetchChecked(model.latents), count * model.latentDim, model.latents.path);
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Loads one layers model (model.json + weights) from checked bytes. */
export async function loadLayersModelChecked(files: FileEntry[], modelJsonPath: string): Promise<tf.LayersModel> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const jsonEntry = byPath.get(modelJsonPath);
  if (jsonEntry === undefined) throw new AssetError(`${VIEWER_MANIFEST_FILE} lists no ${modelJsonPath}`, modelJsonPath);
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(await fetchChecked(jsonEntry))) as ModelJson;
  } catch (cause) {
    if (cause instanceof AssetError) throw cause;
    throw new AssetError(`${modelJsonPath} is not valid JSON`, modelJsonPath, { cause });
  }
  if (!Array.isArray(json.weightsManifest) || json.modelTopology === undefined) throw new AssetError(`${modelJsonPath} is not a TensorFlow.js layers model`, modelJsonPath);
  const dir = modelJsonPath.slice(0, modelJsonPath.lastIndexOf('/') + 1);
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const entry = byPath.get(dir + p);
      if (entry === undefined) throw new AssetError(`${VIEWER_MANIFEST_FILE} lists no ${dir + p}, which ${modelJsonPath} needs`, dir + p);
      parts.push(await fetchChecked(entry));
    }
    specs.push(...group.weights);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.length;
  }
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: specs,
      weightData: weightData.buffer,
      ...(json.format === undefined ? {} : { format: json.format }),
      ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
      ...(json.convertedBy == null ? {} : { convertedBy: json.convertedBy }),
    }),
  };
  try {
    return await tf.loadLayersModel(handler);
  } catch (cause) {
    throw new AssetError(`${modelJsonPath} could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, modelJsonPath, { cause });
  }
}
