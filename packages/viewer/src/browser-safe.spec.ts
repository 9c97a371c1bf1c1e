// The browser entries and the page bundle: no Node module anywhere in their
// import graphs, one tfjs-core, and every custom layer registered.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, browserBundleProblems } from './export/bundle.ts';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('browser-safe entries', () => {
  for (const pkg of ['models', 'data', 'eval']) {
    it(`@sgvae/${pkg}/browser bundles for the browser with no node: import`, async () => {
      const { metafile } = await bundleForBrowser({ entry: join(packages, pkg, 'src', 'browser.ts'), minify: false });
      expect(browserBundleProblems(metafile)).toEqual([]);
      for (const input of Object.keys(metafile.inputs)) expect(input).not.toMatch(/^node:|\/node_modules\/@tensorflow\/tfjs-node/);
    });
  }

  it('the page bundles with exactly one tfjs-core and one tfjs-layers', async () => {
    const { metafile, code } = await bundleForBrowser();
    expect(browserBundleProblems(metafile)).toEqual([]);
    const copies = (name: string) => new Set(Object.keys(metafile.inputs).flatMap((f) => /^(.*node_modules\/@tensorflow\/[^/]+)\//.exec(f)?.[1] ?? []).filter((p) => p.endsWith(`/${name}`)));
    expect(copies('tfjs-core').size).toBe(1);
    expect(copies('tfjs-layers').size).toBe(1);
    expect(copies('tfjs-backend-wasm').size).toBe(1);
    expect(Object.keys(metafile.inputs).some((f) => f.endsWith('packages/models/src/browser.ts'))).toBe(true);
    expect(code.length).toBeGreaterThan(100_000);
  });

  it('the main entry of @sgvae/models (file I/O, backend choice) is refused for the browser', async () => {
    await expect(bundleForBrowser({ entry: join(packages, 'models', 'src', 'index.ts'), minify: false })).rejects.toThrow(/node:/);
  });

  it('a bundle that imports a Node module is refused', async () => {
    const entry = join(packages, 'viewer', 'src', 'export', 'errors.ts');
    const problems = browserBundleProblems({ inputs: { [entry]: { bytes: 1, imports: [{ path: 'node:fs', kind: 'import-statement', external: true }] } }, outputs: {} });
    expect(problems).toEqual([`${entry} imports the Node module "node:fs"`]);
  });

  it('the browser entry of @sgvae/models names every layer class the package registers', async () => {
    const { customLayerClassNames } = await import('@sgvae/models/browser');
    const registered = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/serialization\.registerClass\((\w+)\)/g)) registered.add(m[1]!);
        }
      }
    };
    walk(join(packages, 'models', 'src'));
    expect(registered.size).toBeGreaterThan(10);
    expect(customLayerClassNames()).toEqual([...registered].sort());
  });
});
