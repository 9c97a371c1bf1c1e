// `npm run view`: serves a pipeline's exported viewer on localhost with
// esbuild's static file server and prints the address.
//   npm run view                        artifacts/pipeline/viewer
//   npm run view -- --pipeline smoke    artifacts/smoke/viewer
//   npm run view -- --dir <folder> [--port 8000] [--host 127.0.0.1]
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { isMainModule } from '@sgvae/data';
import { VIEWER_MANIFEST_FILE, rebuildCommand } from './format.ts';

export interface ServeOptions {
  dir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface Served {
  url: string;
  stop: () => Promise<void>;
}

/** Serves `dir` as static files until `stop` is called. */
export async function serveViewer(o: ServeOptions): Promise<Served> {
  const ctx = await esbuild.context({ logLevel: 'silent' });
  const host = o.host ?? '127.0.0.1';
  const { port } = await ctx.serve({ servedir: o.dir, host, port: o.port ?? 0 });
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, stop: () => ctx.dispose() };
}

/** What to say when a viewer folder is missing, or null when it is there. */
export function missingViewerMessage(dir: string, pipeline: string, cwd: string): string | null {
  if (existsSync(join(dir, VIEWER_MANIFEST_FILE))) return null;
  const npmScript = pipeline === 'pipeline' || pipeline === 'smoke' || pipeline === 'paper' ? `\`npm run ${pipeline}\`` : `\`npx nx run ${pipeline}:all\``;
  return (
    `No viewer in ${relative(cwd, dir) || dir} (it has no ${VIEWER_MANIFEST_FILE}). Build it with ${npmScript}, ` +
    `or only it and the stages it needs: \`${rebuildCommand(pipeline)}\`.`
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      pipeline: { type: 'string', default: 'pipeline' },
      dir: { type: 'string' },
      port: { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  });
  const cwd = process.cwd();
  const pipeline = values.pipeline!;
  const dir = resolve(cwd, values.dir ?? join('artifacts', pipeline, 'viewer'));
  const missing = missingViewerMessage(dir, pipeline, cwd);
  if (missing !== null) {
    process.stderr.write(`${missing}\n`);
    return 1;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  let served: Served;
  try {
    served = await serveViewer({ dir, host: values.host!, port });
  } catch (error) {
    if (port === 0) throw error;
    // The port is taken: let the system pick one.
    served = await serveViewer({ dir, host: values.host!, port: 0 });
  }
  process.stdout.write(`Serving ${relative(cwd, dir) || dir} at ${served.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await served.stop();
  return 0;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main();
}
