// Bundles the page (src/page/main.ts and everything it imports: tfjs, the
// browser entries of @sgvae/models, @sgvae/data and @sgvae/eval) into one
// ES module with esbuild, and checks what went in: no Node built-in module,
// and exactly one copy of tfjs-core (the custom layers register in the
// registry of the tfjs-core they import; loadLayersModel must look in the
// same one).
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ViewerExportError } from './errors.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const PAGE_DIR = join(here, '..', 'page');
export const PAGE_ENTRY = join(PAGE_DIR, 'main.ts');
/** Static files of the page copied as they are. */
export const PAGE_STATIC = ['index.html', 'style.css'] as const;

export interface BundleOptions {
  /** Entry module (default: the page). */
  entry?: string;
  minify?: boolean;
  /** Compile-time constants (esbuild `define`), e.g. the pipeline name. */
  define?: Record<string, string>;
}

export interface BundleResult {
  /** The bundled JavaScript. */
  code: Uint8Array;
  metafile: esbuild.Metafile;
}

/** Problems with a browser bundle's inputs: Node built-ins, several tfjs-core copies. Empty when fine. */
export function browserBundleProblems(metafile: esbuild.Metafile): string[] {
  const problems: string[] = [];
  const builtins = new Set(builtinModules);
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imp of input.imports) {
      const p = imp.path;
      if (p.startsWith('node:') || (imp.external && builtins.has(p.split('/')[0]!))) {
        problems.push(`${file} imports the Node module "${p}"`);
      }
    }
  }
  const cores = new Set<string>();
  for (const file of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/@tensorflow\/tfjs-core)\//.exec(file);
    if (m) cores.add(m[1]!);
  }
  if (cores.size > 1) problems.push(`the bundle holds ${cores.size} copies of @tensorflow/tfjs-core (${[...cores].join(', ')}); custom layers would register in one and be looked up in another`);
  return problems;
}

/** Bundles `entry` for the browser; throws ViewerExportError on a build error or a bundle problem. */
export async function bundleForBrowser(options: BundleOptions = {}): Promise<BundleResult> {
  const entry = options.entry ?? PAGE_ENTRY;
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2020'],
      minify: options.minify ?? true,
      // Relative paths in the metafile and in errors, never this machine's.
      absWorkingDir: join(here, '..', '..', '..', '..'),
      outfile: 'main.js',
      define: options.define ?? {},
      logLevel: 'silent',
      // tfjs-backend-wasm's Emscripten glue names Node modules behind runtime
      // checks; the browser field of its package.json maps them away.
    });
  } catch (cause) {
    const errors = (cause as { errors?: esbuild.Message[] }).errors ?? [];
    const text = errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n  ');
    throw new ViewerExportError(`bundling ${entry} for the browser failed:\n  ${text || (cause as Error).message}`, { cause });
  }
  const problems = browserBundleProblems(result.metafile);
  if (problems.length > 0) throw new ViewerExportError(`the browser bundle of ${entry} is not browser-safe:\n  - ${problems.join('\n  - ')}`);
  const out = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (out === undefined) throw new ViewerExportError(`esbuild wrote no JavaScript for ${entry}`);
  return { code: out.contents, metafile: result.metafile };
}

/** The static files of the page (index.html, style.css); index.html names the pipeline in its fallback message. */
export function pageStaticFiles(pipeline: string): { path: string; bytes: Uint8Array }[] {
  return PAGE_STATIC.map((name) => {
    const bytes = readFileSync(join(PAGE_DIR, name));
    if (name !== 'index.html') return { path: name, bytes };
    return { path: name, bytes: new TextEncoder().encode(bytes.toString('utf8').replaceAll('%PIPELINE%', pipeline)) };
  });
}

/** The WebAssembly binaries of @tensorflow/tfjs-backend-wasm, to serve next to the page. */
export function wasmFiles(): { path: string; bytes: Uint8Array }[] {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  return ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => ({
    path: `wasm/${name}`,
    bytes: readFileSync(join(dist, name)),
  }));
}
