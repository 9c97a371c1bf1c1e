/// <reference lib="dom" />
// Chooses the TensorFlow.js backend: WebGL on a GPU, then WebAssembly, then
// plain JavaScript. `?backend=wasm` (or webgl, cpu) in the address asks for one.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKEND_ORDER = ['webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BACKEND_ORDER)[number];

export interface BackendChoice {
  name: BrowserBackend;
  /** What was tried before it and why it was not used. */
  skipped: string[];
  /** A short description for the page, e.g. "webgl (WebGL 2, float32)". */
  description: string;
}

function describe(name: BrowserBackend): string {
  if (name === 'webgl') {
    const version = tf.env().getNumber('WEBGL_VERSION');
    const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
    return `webgl (WebGL ${version}, ${float32 ? 'float32' : 'float16'} textures)`;
  }
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return `wasm (WebAssembly${simd ? ' with SIMD' : ''})`;
  }
  return 'cpu (plain JavaScript, slow)';
}

/**
 * The WebGL renderer's name when it rasterises in software (SwiftShader,
 * llvmpipe: a browser without a usable GPU), else null. There WebGL compiles
 * every shader on the CPU, and WebAssembly runs the models sooner.
 */
export function softwareWebGl(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (gl === null) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : null;
  } catch {
    return null;
  }
}

export async function chooseBackend(requested: string | null): Promise<BackendChoice> {
  // The .wasm files sit next to the page, in wasm/.
  setWasmPaths(new URL('wasm/', document.baseURI).href);
  const order: BrowserBackend[] = requested !== null && (BACKEND_ORDER as readonly string[]).includes(requested) ? [requested as BrowserBackend] : [...BACKEND_ORDER];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'webgl' && requested !== 'webgl') {
      const software = softwareWebGl();
      if (software !== null) {
        skipped.push(`webgl: the renderer is software (${software}), slower than WebAssembly here; ?backend=webgl uses it anyway`);
        continue;
      }
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
          // Half-float textures cannot hold the models' numbers to 1e-4.
          skipped.push('webgl: this GPU renders only 16-bit floats');
          continue;
        }
        return { name, skipped, description: describe(name) };
      }
      skipped.push(`${name}: not available in this browser`);
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${skipped.join('; ')})`);
}
