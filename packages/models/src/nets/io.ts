// Saving and loading networks in the TensorFlow.js layers format (model.json
// + weights.bin). The file:// handler comes from tfjs-node, which the entry
// point loads through useBackend; the custom layers register themselves when
// this package is imported, so a reloaded model rebuilds them from config.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import '../equivariant/index.ts';
import './head-layers.ts';
import { ModelIoError } from './errors.ts';

function fileUrl(dir: string): string {
  return `file://${path.resolve(dir)}`;
}

function requireFileHandler(url: string, kind: 'save' | 'load'): void {
  const handlers = kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length === 0) {
    throw new ModelIoError(
      `no ${kind} handler for file:// URLs is registered; call useBackend('tensorflow', ...) from packages/models/src/backend first (it loads @tensorflow/tfjs-node, which provides the handler)`,
    );
  }
}

/** Writes `model` to `dir` (model.json and weights); returns the directory's absolute path. */
export async function saveNet(model: LayersModel, dir: string): Promise<string> {
  const url = fileUrl(dir);
  requireFileHandler(url, 'save');
  try {
    await model.save(url);
  } catch (cause) {
    throw new ModelIoError(`could not save model "${model.name}" to ${path.resolve(dir)}`, { cause });
  }
  return path.resolve(dir);
}

/** Loads a model written by saveNet (or any tfjs layers model) from `dir` or a model.json path. */
export async function loadNet(dirOrJson: string): Promise<LayersModel> {
  const file = dirOrJson.endsWith('.json') ? dirOrJson : path.join(dirOrJson, 'model.json');
  const url = fileUrl(file);
  requireFileHandler(url, 'load');
  try {
    return await loadLayersModel(url);
  } catch (cause) {
    throw new ModelIoError(`could not load a layers model from ${path.resolve(file)}`, { cause });
  }
}
