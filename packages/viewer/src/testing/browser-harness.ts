// Drives the exported viewer in headless Chromium (Debian's `chromium`
// package, through playwright-core: no browser download). Used by the
// browser test and usable by hand:
//   npx tsx packages/viewer/src/testing/check-viewer.ts <viewer dir>
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { serveViewer, type Served } from '../serve.ts';

/** Path of the Chromium binary (CHROMIUM_PATH, else `chromium` on PATH), or null. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (path !== '') return path;
    } catch {
      // not on PATH
    }
  }
  return null;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in a container: Chromium's sandbox needs user namespaces it may not get.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export interface OpenedViewer {
  page: Page;
  served: Served;
  /** Console errors and uncaught page errors, as they arrive. */
  errors: string[];
  /** Every console message, for diagnosis. */
  console: string[];
  close: () => Promise<void>;
}

/** Serves `dir`, opens it in a new page (optionally with ?backend=...) and waits until the first result is shown or a message says why not. */
export async function openViewer(browser: Browser, dir: string, options: { backend?: string; viewport?: { width: number; height: number }; timeoutMs?: number } = {}): Promise<OpenedViewer> {
  const served = await serveViewer({ dir });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  const errors: string[] = [];
  const consoleLines: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    consoleLines.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  const url = options.backend ? `${served.url}?backend=${options.backend}` : served.url;
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && (document.body.dataset.state !== undefined || document.querySelector('#messages .message.error') !== null), null, {
    timeout: options.timeoutMs ?? 240_000,
  });
  return {
    page,
    served,
    errors,
    console: consoleLines,
    close: async () => {
      await page.close();
      await served.stop();
    },
  };
}

/** Waits until the page shows the result for `state` (e.g. "test:3@35") and nothing is pending. */
export async function waitForState(page: Page, state: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.state === s && document.body.dataset.busy === 'false', state, { timeout: timeoutMs });
}

/** Sets the angle slider the way a user's input would (value + input event). */
export async function setSlider(page: Page, angle: number): Promise<void> {
  await page.locator('#angle').evaluate((el, a) => {
    const input = el as HTMLInputElement;
    input.value = String(a);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, angle);
}

export interface ShownModel {
  error: string | null;
  mu: number[] | null;
  upright: number[] | null;
  kappa: number | null;
  recon: number[] | null;
  cosine: number | null;
  pose: number | null;
  poseCorrelation: number | null;
  /** What the page prints: the cosine and pose cells' text and full-precision data-value. */
  cosineText: string;
  cosineValue: number | null;
  poseText: string;
  poseValue: number | null;
  why: string | null;
}

export interface Shown {
  key: string;
  angle: number;
  /** The turned input (0..255) and the upright digit it was turned from. */
  input: number[] | null;
  uprightInput: number[] | null;
  /** Points in each model's cosine curve. */
  curves: Record<string, number>;
  models: Record<string, ShownModel>;
}

/** Reads what the page shows now: the numbers in the model cards and the page's full-precision snapshot. */
export async function readShown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const snap = (window as unknown as { sgvaeViewer: { snapshot: () => Shown } }).sgvaeViewer.snapshot();
    for (const [name, m] of Object.entries(snap.models)) {
      const card = document.querySelector(`.model[data-model="${name}"]`)!;
      const cos = card.querySelector<HTMLElement>('.cosine')!;
      const pose = card.querySelector<HTMLElement>('.pose')!;
      const why = card.querySelector<HTMLElement>('.why')!;
      m.cosineText = cos.textContent ?? '';
      m.cosineValue = cos.dataset.value === undefined ? null : Number(cos.dataset.value);
      m.poseText = pose.textContent ?? '';
      m.poseValue = pose.dataset.value === undefined ? null : Number(pose.dataset.value);
      m.why = why.hidden ? null : (why.textContent ?? '');
    }
    return snap;
  });
}
