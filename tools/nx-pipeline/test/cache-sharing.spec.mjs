// @ts-check
// How a second checkout reuses stage outputs: through the per-user local
// cache that Nx 24 shares between clones of one repository, and through a
// self-hosted remote cache (a stand-in server on loopback here; the project
// ships no cache server).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, removeWorkspace } from './fixture-workspace.mjs';
import { runPipeline } from './nx-run.mjs';

const ALL = ['prepare', 'report', 'train@m1', 'train@m2'];
/** @type {string[]} */
const cleanup = [];
afterAll(() => cleanup.forEach((d) => removeWorkspace(d)));

/** @param {string} root */
const outputsOf = (root) => fs.readFileSync(path.join(root, 'artifacts/pipeline/report/score.json'), 'utf8');

describe('sharing the cache', () => {
  it('a second clone of the repository reuses the local cache under ~/.nx/<workspace id>/cache', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-pipeline-home-'));
    cleanup.push(home);
    const clones = [makeWorkspace(), makeWorkspace()];
    cleanup.push(...clones);
    for (const root of clones) {
      // Two clones: same remote, so Nx derives the same workspace id for both.
      const git = (/** @type {string[]} */ ...args) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
      await git('init', '-q');
      await git('remote', 'add', 'origin', 'https://example.com/sgvae/fixture.git');
      await git('add', '-A');
      await git('commit', '-q', '-m', 'fixture');
    }
    // No NX_CACHE_DIRECTORY / NX_WORKSPACE_DATA_DIRECTORY: those turn sharing off.
    const env = { HOME: home, NX_CACHE_DIRECTORY: undefined, NX_WORKSPACE_DATA_DIRECTORY: undefined };
    expect(await runPipeline(clones[0], 'pipeline:all', env)).toEqual(ALL);
    expect(await runPipeline(clones[1], 'pipeline:all', env)).toEqual([]);
    expect(outputsOf(clones[1])).toBe(outputsOf(clones[0]));
    // One folder per workspace id (16 hex digits) holding the cache and the task database.
    const ids = fs.readdirSync(path.join(home, '.nx')).filter((d) => /^[0-9a-f]{16}$/.test(d));
    expect(ids).toHaveLength(1);
    expect(fs.readdirSync(path.join(home, '.nx', ids[0])).sort()).toEqual(['cache', 'databases']);
    expect(fs.existsSync(path.join(clones[0], '.nx', 'cache'))).toBe(false);
  });

  it('a second machine pulls stage outputs from a self-hosted remote cache (GET/PUT /v1/cache/{hash})', async () => {
    const token = 'test-token';
    /** @type {Map<string, Buffer>} */
    const store = new Map();
    /** @type {string[]} */
    const requests = [];
    const server = http.createServer((req, res) => {
      const m = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '');
      const status = (/** @type {number} */ code) => {
        requests.push(`${req.method} ${code}`);
        res.writeHead(code).end();
      };
      if (!m) return status(404);
      if (req.headers.authorization !== `Bearer ${token}`) return status(403);
      if (req.method === 'GET') {
        const body = store.get(m[1]);
        if (!body) return status(404);
        requests.push('GET 200');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
      } else if (req.method === 'PUT') {
        /** @type {Buffer[]} */
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          if (store.has(m[1])) return status(409);
          store.set(m[1], Buffer.concat(chunks));
          status(200);
        });
      } else {
        status(405);
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    try {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      const env = {
        NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `http://127.0.0.1:${address.port}`,
        NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
      };
      // Each workspace has its own local cache (inside it): only the server links them.
      const first = makeWorkspace();
      const second = makeWorkspace();
      cleanup.push(first, second);
      expect(await runPipeline(first, 'pipeline:all', env)).toEqual(ALL);
      expect(store.size).toBe(4);
      expect(requests.filter((r) => r === 'PUT 200')).toHaveLength(4);
      expect(await runPipeline(second, 'pipeline:all', env)).toEqual([]);
      expect(requests.filter((r) => r === 'GET 200')).toHaveLength(4);
      expect(outputsOf(second)).toBe(outputsOf(first));
    } finally {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
  });
});
