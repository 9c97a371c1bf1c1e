// The exported viewer in a real browser: headless Chromium (Debian's package)
// driven by playwright-core. Loads the smoke pipeline's viewer (or
// SGVAE_VIEWER_DIR), turns digits with the page's controls and checks the
// numbers it shows against tfjs-node: the export's reference outputs and a
// fresh tfjs-node run on the very pixels the page turned. Also: the controls,
// no console errors, a damaged export and an older one, and screenshots.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateImage } from '@sgvae/contracts';
import { loadVae, type TfVaeRunner } from '@sgvae/eval';
import { useBackend } from '@sgvae/models/backend';
import { REFERENCE_FILE, VIEWER_MANIFEST_FILE, checkViewerManifest, decodeDigits, decodeFloat32, rebuildCommand, type ViewerManifest } from '../format.ts';
import { cosine } from '../latent.ts';
import { findChromium, launchChromium, openViewer, readShown, setSlider, waitForState, type OpenedViewer, type Shown } from '../testing/browser-harness.ts';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const viewerDir = process.env.SGVAE_VIEWER_DIR ?? join(workspace, 'artifacts', 'smoke', 'viewer');
const pipelineName = process.env.SGVAE_VIEWER_DIR ? 'custom' : 'smoke';
const shotsDir = process.env.SGVAE_SCREENSHOT_DIR ?? join(workspace, 'artifacts', 'browser-test', pipelineName);
/**
 * mu (unit vectors), reconstructions (probabilities) and cosines agree to 1e-4
 * absolute; kappa, a concentration in the hundreds for trained models, to
 * 1e-4 relative (float32 carries about 7 digits).
 */
const TOL = 1e-4;
/** The pose search is exact arithmetic on the reconstruction; its outputs may move a little more than it. */
const POSE_TOL_DEG = 0.5;

let browser: Browser;
let manifest: ViewerManifest;
let reference: Float32Array;
const runners = new Map<string, TfVaeRunner>();
const scratch = mkdtempSync(join(tmpdir(), 'sgvae-viewer-e2e-'));
const report: Record<string, unknown> = {};

beforeAll(async () => {
  if (!existsSync(join(viewerDir, VIEWER_MANIFEST_FILE))) {
    throw new Error(`no viewer at ${relative(workspace, viewerDir)}: run \`npm run smoke\` (or \`${rebuildCommand('smoke')}\`) first`);
  }
  const chromium = findChromium();
  if (chromium === null) throw new Error('Chromium not found: install Debian\'s package (`apt-get install -y chromium`) or set CHROMIUM_PATH');
  browser = await launchChromium(chromium);
  report.browser = browser.version();
  manifest = checkViewerManifest(JSON.parse(readFileSync(join(viewerDir, VIEWER_MANIFEST_FILE), 'utf8')));
  const px = manifest.image.size ** 2;
  reference = decodeFloat32(readFileSync(join(viewerDir, REFERENCE_FILE)), manifest.reference.cases.length * manifest.models.length * px, REFERENCE_FILE);
  await useBackend('tensorflow', { purpose: 'test' });
  for (const m of manifest.models) runners.set(m.name, await loadVae(join(viewerDir, 'models', m.name), { name: m.name, batchSize: 2 }));
  mkdirSync(shotsDir, { recursive: true });
});

afterAll(async () => {
  for (const r of runners.values()) r.dispose();
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (Object.keys(report).length > 0) writeFileSync(join(shotsDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
});

/** The largest differences seen, per quantity. */
class Diffs {
  mu = 0;
  recon = 0;
  cosine = 0;
  kappaRel = 0;
  add(o: Diffs): this {
    this.mu = Math.max(this.mu, o.mu);
    this.recon = Math.max(this.recon, o.recon);
    this.cosine = Math.max(this.cosine, o.cosine);
    this.kappaRel = Math.max(this.kappaRel, o.kappaRel);
    return this;
  }
  kappa(a: number, b: number): void {
    this.kappaRel = Math.max(this.kappaRel, Math.abs(a - b) / Math.max(1, Math.abs(b)));
  }
  expectWithin(): void {
    expect(this.mu).toBeLessThan(TOL);
    expect(this.recon).toBeLessThan(TOL);
    expect(this.cosine).toBeLessThan(TOL);
    expect(this.kappaRel).toBeLessThan(TOL);
  }
  toJSON(): Record<string, number> {
    return { muMaxAbs: this.mu, reconstructionMaxAbs: this.recon, cosineMaxAbs: this.cosine, kappaMaxRel: this.kappaRel };
  }
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Checks what the page shows against a tfjs-node run on the page's own turned input; returns the largest differences. */
async function checkAgainstNode(shown: Shown, upright: Uint8Array): Promise<Diffs> {
  const size = manifest.image.size;
  const input = Float32Array.from(shown.input!, (v) => v / 255);
  const up = Float32Array.from(upright, (v) => v / 255);
  const worst = new Diffs();
  for (const m of manifest.models) {
    const s = shown.models[m.name]!;
    expect(s.error).toBeNull();
    const runner = runners.get(m.name)!;
    const e = await runner.encode(input, 1);
    const u = await runner.encode(up, 1);
    const recon = await runner.decode(e.mu, 1);
    worst.mu = Math.max(worst.mu, maxAbs(s.mu!, e.mu), maxAbs(s.upright!, u.mu));
    worst.recon = Math.max(worst.recon, maxAbs(s.recon!, recon));
    worst.cosine = Math.max(worst.cosine, Math.abs(s.cosine! - cosine(e.mu, u.mu)));
    worst.kappa(s.kappa!, e.kappa[0]!);
    expect(s.recon).toHaveLength(size * size);
  }
  return worst;
}

function uprightOf(digit: number): Uint8Array {
  const digits = decodeDigits(readFileSync(join(viewerDir, 'digits.bin')));
  const px = digits.size * digits.size;
  return digits.images.slice(digit * px, (digit + 1) * px);
}

async function show(page: Page, digit: number, angle: number): Promise<Shown> {
  await page.locator('#digit').selectOption(String(digit));
  await setSlider(page, angle);
  await waitForState(page, `test:${digit}@${angle}`);
  return readShown(page);
}

describe('the smoke viewer in headless Chromium', () => {
  let v: OpenedViewer;

  it('starts on the preferred backend with no console error', async () => {
    const t0 = performance.now();
    v = await openViewer(browser, viewerDir);
    report.loadSeconds = (performance.now() - t0) / 1000;
    const backend = await v.page.evaluate(() => ({ name: document.body.dataset.backend, text: document.getElementById('backend')!.textContent }));
    report.backend = backend;
    report.pageTimingsMs = await v.page.evaluate(() => (window as unknown as { sgvaeViewer: { timings: Record<string, number> } }).sgvaeViewer.timings);
    expect(['webgl', 'wasm', 'cpu']).toContain(backend.name);
    expect(await v.page.locator('#messages .message.error').count()).toBe(0);
    expect(await v.page.locator('.model').count()).toBe(manifest.models.length);
    expect(v.errors).toEqual([]);
  });

  it('shows the numbers tfjs-node computed, to 1e-4, for every reference digit and angle', async () => {
    const size = manifest.image.size;
    const px = size * size;
    const worst = new Diffs();
    let worstPose = 0;
    for (const [ci, c] of manifest.reference.cases.entries()) {
      const shown = await show(v.page, c.digit, c.angle);
      // The page turns the digit exactly as the data stage does.
      const upright = uprightOf(c.digit);
      expect(shown.input).toEqual(Array.from(rotateImage(upright, size, c.angle, { supersample: manifest.image.supersample })));
      for (const [mi, m] of manifest.models.entries()) {
        const s = shown.models[m.name]!;
        const ref = c.models[m.name]!;
        worst.mu = Math.max(worst.mu, maxAbs(s.mu!, ref.mu));
        worst.cosine = Math.max(worst.cosine, Math.abs(s.cosine! - ref.cosine));
        worst.kappa(s.kappa!, ref.kappa);
        worst.recon = Math.max(worst.recon, maxAbs(s.recon!, reference.subarray((ci * manifest.models.length + mi) * px, (ci * manifest.models.length + mi + 1) * px)));
        // What a person reads: the same cosine, rounded.
        expect(s.cosineValue).toBe(s.cosine);
        expect(s.cosineText).toBe(s.cosine!.toFixed(4));
        if (ref.pose === null) {
          expect(s.poseText).toBe('–');
          expect(s.why).toMatch(/^No pose estimate: /);
        } else {
          expect(s.poseValue).not.toBeNull();
          const d = Math.abs(((((s.poseValue! - ref.pose + 180) % 360) + 360) % 360) - 180);
          worstPose = Math.max(worstPose, d);
          expect(s.poseText).toBe(`${s.poseValue!.toFixed(1)}°`);
        }
      }
      worst.add(await checkAgainstNode(shown, upright));
    }
    report.parity = { cases: manifest.reference.cases.length, models: manifest.models.map((m) => m.name), ...worst.toJSON(), maxPoseDifferenceDeg: worstPose };
    worst.expectWithin();
    expect(worstPose).toBeLessThan(POSE_TOL_DEG);
    expect(v.errors).toEqual([]);
  });

  it('the slider, the digit picker and dragging a digit turn it; the plot fills in', async () => {
    const page = v.page;
    await show(page, 2, 0);
    await page.locator('#angle').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await waitForState(page, 'test:2@5');
    expect(await page.locator('#angle-value').textContent()).toBe('5°');
    await page.locator('#next-digit').click();
    await waitForState(page, 'test:3@5');
    expect(await page.locator('#digit').inputValue()).toBe('3');
    await page.locator('#prev-digit').click();
    await waitForState(page, 'test:2@5');
    // Drag the first turned digit a quarter turn counter-clockwise: from right of its centre to above it.
    const box = (await page.locator('canvas.input').first().boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx + box.width * 0.4, cy);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) {
      const t = (k / 10) * (Math.PI / 2);
      await page.mouse.move(cx + box.width * 0.4 * Math.cos(t), cy - box.width * 0.4 * Math.sin(t));
    }
    await page.mouse.up();
    await page.waitForFunction(() => document.body.dataset.busy === 'false');
    const angle = Number(await page.locator('#angle').inputValue());
    expect(Math.abs(angle - 95)).toBeLessThanOrEqual(2);
    await waitForState(page, `test:2@${angle}`);
    for (const a of [-150, -60, 30, 120]) {
      await setSlider(page, a);
      await waitForState(page, `test:2@${a}`);
    }
    const shown = await readShown(page);
    for (const m of manifest.models) expect(shown.curves[m.name]).toBeGreaterThanOrEqual(6);
    (await checkAgainstNode(shown, uprightOf(2))).expectWithin();
    expect(v.errors).toEqual([]);
  });

  it('a drawn digit is encoded like tfjs-node encodes the same pixels; clearing it blanks the numbers', async () => {
    const page = v.page;
    await setSlider(page, 0);
    const box = (await page.locator('#draw').boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
    // A "7": a top bar and a slanted stroke.
    await page.mouse.move(...at(0.3, 0.25));
    await page.mouse.down();
    for (const [x, y] of [[0.5, 0.25], [0.7, 0.25], [0.62, 0.45], [0.55, 0.6], [0.48, 0.78]] as const) await page.mouse.move(...at(x, y), { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => document.body.dataset.state?.startsWith('drawing:') && document.body.dataset.busy === 'false');
    expect(await page.locator('input[name=source][value=drawing]').isChecked()).toBe(true);
    await setSlider(page, 40);
    await page.waitForFunction(() => /^drawing:\d+@40$/.test(document.body.dataset.state ?? '') && document.body.dataset.busy === 'false');
    const shown = await readShown(page);
    expect(shown.input!.some((p) => p > 0)).toBe(true);
    // The drawing is turned like a test digit, and every number matches tfjs-node on the same pixels.
    const upright = Uint8Array.from(shown.uprightInput!);
    expect(shown.input).toEqual(Array.from(rotateImage(upright, manifest.image.size, 40, { supersample: manifest.image.supersample })));
    (await checkAgainstNode(shown, upright)).expectWithin();
    for (const m of manifest.models) expect(shown.models[m.name]!.cosineText).toMatch(/^-?\d\.\d{4}$/);
    await page.screenshot({ path: join(shotsDir, 'viewer-drawing.png'), fullPage: true });
    await page.locator('#clear-drawing').click();
    await page.waitForFunction(() => document.body.dataset.busy === 'false' && document.querySelector('.model .cosine')?.textContent === '–');
    expect(await page.locator('.model .why').first().textContent()).toMatch(/Nothing drawn yet/);
    await page.locator('input[name=source][value=test]').check();
    expect(v.errors).toEqual([]);
  });

  it('saves screenshots of the page on a laptop and on a phone', async () => {
    const page = v.page;
    // The first reference digit (a 6), turned round to 60 degrees so that the plot has a curve.
    const digit = manifest.reference.cases[0]!.digit;
    await page.locator('#digit').selectOption(String(digit));
    for (let a = -180; a <= 60; a += 20) {
      await setSlider(page, a);
      await waitForState(page, `test:${digit}@${a}`);
    }
    const laptop = join(shotsDir, 'viewer.png');
    await page.screenshot({ path: laptop, fullPage: true });
    if (process.env.SGVAE_UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(laptop, join(workspace, 'docs', 'viewer.png'));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shotsDir, 'viewer-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(v.errors).toEqual([]);
    report.consoleErrors = v.errors.length;
    await v.close();
  });
});

describe('each backend asked for by name', () => {
  for (const backend of ['webgl', 'wasm', 'cpu']) {
    it(`${backend}: the same numbers to 1e-4`, async () => {
      const v = await openViewer(browser, viewerDir, { backend });
      try {
        expect(await v.page.evaluate(() => document.body.dataset.backend)).toBe(backend);
        const worst = new Diffs();
        for (const c of manifest.reference.cases.filter((_, i) => i % 4 === 1)) {
          const shown = await show(v.page, c.digit, c.angle);
          for (const m of manifest.models) worst.mu = Math.max(worst.mu, maxAbs(shown.models[m.name]!.mu!, c.models[m.name]!.mu));
          worst.add(await checkAgainstNode(shown, uprightOf(c.digit)));
        }
        const byName = (report.backends ??= {}) as Record<string, unknown>;
        byName[backend] = { ...worst.toJSON(), description: await v.page.locator('#backend').textContent(), timingsMs: await v.page.evaluate(() => (window as unknown as { sgvaeViewer: { timings: Record<string, number> } }).sgvaeViewer.timings) };
        worst.expectWithin();
        expect(v.errors).toEqual([]);
      } finally {
        await v.close();
      }
    });
  }
});

describe('a damaged or outdated export', () => {
  function copyViewer(name: string): string {
    const dir = join(scratch, name);
    cpSync(viewerDir, dir, { recursive: true });
    return dir;
  }

  it('a corrupted weights file: that model says what to run, the others keep working', async () => {
    const dir = copyViewer('corrupt');
    const victim = manifest.models[0]!;
    const weights = victim.encoder.find((f) => f.path.endsWith('.bin'))!;
    const bytes = readFileSync(join(dir, weights.path));
    for (let i = 0; i < 64 && i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(join(dir, weights.path), bytes);
    const v = await openViewer(browser, dir);
    try {
      const card = v.page.locator(`.model[data-model="${victim.name}"] .error`);
      await expect.poll(() => card.isVisible()).toBe(true);
      const text = (await card.textContent())!;
      expect(text).toContain(weights.path);
      expect(text).toContain(rebuildCommand(manifest.pipeline));
      expect(await v.page.locator('#messages .message.error').first().textContent()).toContain(rebuildCommand(manifest.pipeline));
      if (manifest.models.length > 1) {
        const other = manifest.models[1]!;
        await v.page.waitForFunction((n) => document.querySelector(`.model[data-model="${n}"] .cosine`)?.textContent === '1.0000', other.name);
      }
      await v.page.screenshot({ path: join(shotsDir, 'viewer-corrupt.png'), fullPage: true });
    } finally {
      await v.close();
    }
  });

  it('a viewer exported by an older version says which command rebuilds it', async () => {
    const dir = copyViewer('older');
    const m = JSON.parse(readFileSync(join(dir, VIEWER_MANIFEST_FILE), 'utf8'));
    writeFileSync(join(dir, VIEWER_MANIFEST_FILE), JSON.stringify({ ...m, formatVersion: m.formatVersion - 1 }));
    const v = await openViewer(browser, dir);
    try {
      const text = (await v.page.locator('#messages .message.error').first().textContent())!;
      expect(text).toMatch(/older version/);
      expect(text).toContain(rebuildCommand(manifest.pipeline));
      expect(await v.page.locator('h1').isVisible()).toBe(true);
    } finally {
      await v.close();
    }
  });

  it('a missing model file: the page names it', async () => {
    const dir = copyViewer('missing');
    const victim = manifest.models.at(-1)!;
    rmSync(join(dir, victim.decoderUrl));
    const v = await openViewer(browser, dir);
    try {
      const card = v.page.locator(`.model[data-model="${victim.name}"] .error`);
      await expect.poll(() => card.isVisible()).toBe(true);
      expect(await card.textContent()).toMatch(new RegExp(`${victim.decoderUrl.replace(/[.]/g, '\\.')} is missing \\(HTTP 404\\)`));
    } finally {
      await v.close();
    }
  });
});
