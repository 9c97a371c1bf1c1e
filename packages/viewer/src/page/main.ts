/// <reference lib="dom" />
// The model viewer: pick a test digit or draw one, turn it, and see for each
// VAE the turned input, its reconstruction, the cosine between mu(turned) and
// mu(upright), the pose estimate, a cosine-against-angle plot and the latent
// view. Inference runs here with TensorFlow.js; every number can be checked
// against tfjs-node (the export's reference outputs, and the browser test).
import * as tf from '@tensorflow/tfjs';
// Registers the custom layers (G-CNN, SO(2), invariant maps, heads) with the
// same tfjs-core registry loadLayersModel reads.
import '@sgvae/models/browser';
import { padImages, paddingFor, rotateImage } from '@sgvae/data/browser';
import { PoseAligner } from '@sgvae/eval/browser';
import { normalizeDrawing, MNIST_SIDE } from '../drawing.ts';
import { VIEWER_FORMAT_VERSION, rebuildCommand, type Digits, type ViewerManifest, type ViewerModel } from '../format.ts';
import { cosine } from '../latent.ts';
import { checksumWarning, loadDigits, loadLatents, loadLayersModelChecked, loadViewerManifest } from './assets.ts';
import { chooseBackend } from './backend.ts';
import { byId, el, errorText, richText, showMessage } from './dom.ts';
import { CLASS_COLOURS, MODEL_COLOURS, drawCosinePlot, drawDigit, drawLatent, prepareScene, type LatentScene } from './render.ts';

declare const __SGVAE_PIPELINE__: string | undefined;
const PIPELINE = typeof __SGVAE_PIPELINE__ === 'string' ? __SGVAE_PIPELINE__ : 'pipeline';

interface Result {
  mu: Float32Array;
  kappa: number;
  recon: Float32Array;
  cosine: number;
  pose: number | null;
  poseCorrelation: number | null;
}

interface Slot {
  meta: ViewerModel;
  colour: string;
  card: HTMLElement;
  input: HTMLCanvasElement;
  recon: HTMLCanvasElement;
  latent: HTMLCanvasElement;
  cosineEl: HTMLElement;
  poseEl: HTMLElement;
  kappaEl: HTMLElement;
  whyEl: HTMLElement;
  errorEl: HTMLElement;
  encoder: tf.LayersModel | null;
  decoder: tf.LayersModel | null;
  error: string | null;
  scene: LatentScene | null;
  upright: Float32Array | null;
  result: Result | null;
  trail: Map<number, Float32Array>;
  curve: Map<number, number>;
}

interface State {
  source: 'test' | 'drawing';
  digit: number;
  angle: number;
}

interface ViewerHook {
  ready: boolean;
  backend: string | null;
  manifest: ViewerManifest | null;
  /** Milliseconds from the script's start to each step of loading. */
  timings: Record<string, number>;
  /** What the page shows now, at full precision (for tests and the curious). */
  snapshot: () => unknown;
}

declare global {
  interface Window {
    sgvaeViewer: ViewerHook;
  }
}

const hook: ViewerHook = { ready: false, backend: null, manifest: null, timings: {}, snapshot: () => null };
const t0 = performance.now();
const mark = (what: string) => {
  hook.timings[what] = Math.round(performance.now() - t0);
};
window.sgvaeViewer = hook;

const state: State = { source: 'test', digit: 0, angle: 0 };
const slots: Slot[] = [];
let manifest: ViewerManifest | null = null;
let digits: Digits | null = null;
let aligner: PoseAligner | null = null;
let drawingImage: Uint8Array | null = null;
let drawingVersion = 0;
let sourceKey = '';
let turnedInput: Uint8Array | null = null;
let shownKey = '';

const rebuild = () => `\`${rebuildCommand(manifest?.pipeline ?? PIPELINE)}\``;

function fail(where: string, error: unknown): void {
  showMessage('error', `${where}: ${errorText(error)}. Rebuild the viewer: ${rebuild()}.`, where);
}

window.addEventListener('error', (e) => showMessage('error', `Unexpected error: ${e.message}. Reload the page; if it persists, rebuild the viewer: ${rebuild()}.`, 'unexpected'));
window.addEventListener('unhandledrejection', (e) => showMessage('error', `Unexpected error: ${errorText(e.reason)}. Reload the page; if it persists, rebuild the viewer: ${rebuild()}.`, 'unexpected'));

function wrapAngle(a: number): number {
  return ((((Math.round(a) + 180) % 360) + 360) % 360) - 180;
}

function size(): number {
  return manifest?.image.size ?? 33;
}

function currentSource(): { key: string; image: Uint8Array } {
  const S = size();
  if (state.source === 'drawing' || digits === null) {
    return { key: `drawing:${drawingVersion}`, image: drawingImage ?? new Uint8Array(S * S) };
  }
  const px = S * S;
  return { key: `test:${state.digit}`, image: digits.images.subarray(state.digit * px, (state.digit + 1) * px) };
}

function setBusy(busy: boolean): void {
  document.body.dataset.busy = busy ? 'true' : 'false';
  if (!busy) status(hook.ready ? '' : status.last);
}

/** The activity line under the header ("loading the models…"); empty when idle. */
function status(text: string): void {
  status.last = text;
  const node = document.getElementById('status');
  if (node !== null) node.textContent = text;
}
status.last = '';

// ---------------------------------------------------------------------------
// Inference
// ---------------------------------------------------------------------------

async function infer(slot: Slot, input: Float32Array): Promise<{ mu: Float32Array; kappa: number; recon: Float32Array }> {
  const S = size();
  const [mu, kappa, recon] = tf.tidy((): tf.Tensor[] => {
    const x = tf.tensor4d(input, [1, S, S, 1]);
    const out = slot.encoder!.apply(x, { training: false }) as tf.Tensor[];
    if (!Array.isArray(out) || out.length !== 2) throw new Error(`the encoder of ${slot.meta.name} should give [mu, kappa]`);
    const logits = slot.decoder!.apply(out[0]!, { training: false }) as tf.Tensor;
    return [out[0]!, out[1]!, tf.sigmoid(logits)];
  }) as [tf.Tensor, tf.Tensor, tf.Tensor];
  try {
    const [m, k, r] = await Promise.all([mu.data(), kappa.data(), recon.data()]);
    return { mu: Float32Array.from(m), kappa: k[0]!, recon: Float32Array.from(r) };
  } finally {
    mu.dispose();
    kappa.dispose();
    recon.dispose();
  }
}

function toFloat(u8: Uint8Array): Float32Array {
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = u8[i]! / 255;
  return out;
}

function isBlank(image: ArrayLike<number>): boolean {
  for (let i = 0; i < image.length; i++) if (image[i]! !== 0) return false;
  return true;
}

async function compute(): Promise<void> {
  if (manifest === null) return;
  const S = size();
  const { key, image } = currentSource();
  const angle = state.angle;
  if (hook.timings.firstResult === undefined) status(`First run: preparing the models on ${hook.backend ?? 'the backend'} (this can take a while once)…`);
  if (key !== sourceKey) {
    sourceKey = key;
    const upright = toFloat(image);
    for (const slot of slots) {
      slot.trail.clear();
      slot.curve.clear();
      slot.upright = null;
      if (slot.encoder === null) continue;
      try {
        slot.upright = (await infer(slot, upright)).mu;
      } catch (error) {
        slotError(slot, `inference failed: ${errorText(error)}`);
      }
    }
  }
  const turned = rotateImage(image, S, angle, { supersample: manifest.image.supersample });
  turnedInput = turned;
  const input = toFloat(turned);
  const blank = isBlank(turned);
  for (const slot of slots) {
    drawDigit(slot.input, turned, S, 1 / 255);
    if (slot.encoder === null || slot.upright === null) continue;
    try {
      const r = await infer(slot, input);
      const cos = cosine(r.mu, slot.upright);
      let pose: number | null = null;
      let poseCorrelation: number | null = null;
      if (slot.meta.pose.available && !blank && aligner !== null) {
        const est = aligner.estimate(input, r.recon);
        if (est.correlation > -1) {
          pose = est.angle;
          poseCorrelation = est.correlation;
        }
      }
      slot.result = { ...r, cosine: cos, pose, poseCorrelation };
      slot.trail.set(angle, r.mu);
      if (!blank) slot.curve.set(angle, cos);
      showResult(slot, blank);
    } catch (error) {
      slotError(slot, `inference failed: ${errorText(error)}`);
    }
  }
  drawPlot();
  shownKey = `${key}@${angle}`;
  document.body.dataset.state = shownKey;
  if (hook.timings.firstResult === undefined) mark('firstResult');
}

let pending = false;
let running = false;
function request(): void {
  pending = true;
  if (!running) void loop();
}
async function loop(): Promise<void> {
  running = true;
  setBusy(true);
  try {
    while (pending) {
      pending = false;
      await compute();
    }
  } catch (error) {
    showMessage('error', `The computation stopped: ${errorText(error)}. Reload the page.`, 'compute');
  } finally {
    running = false;
    setBusy(false);
  }
}

// ---------------------------------------------------------------------------
// Showing results
// ---------------------------------------------------------------------------

function setNumber(node: HTMLElement, value: number | null, text: string): void {
  node.textContent = text;
  if (value === null) delete node.dataset.value;
  else node.dataset.value = String(value);
}

function showResult(slot: Slot, blank: boolean): void {
  const r = slot.result;
  if (r === null) return;
  drawDigit(slot.recon, r.recon, size());
  if (blank) {
    setNumber(slot.cosineEl, null, '–');
    setNumber(slot.poseEl, null, '–');
    setNumber(slot.kappaEl, r.kappa, r.kappa.toFixed(2));
    slot.whyEl.textContent = 'Nothing drawn yet: draw a digit in the box.';
    slot.whyEl.hidden = false;
  } else {
    setNumber(slot.cosineEl, r.cosine, r.cosine.toFixed(4));
    setNumber(slot.kappaEl, r.kappa, r.kappa.toFixed(2));
    if (!slot.meta.pose.available) {
      setNumber(slot.poseEl, null, '–');
      slot.whyEl.textContent = `No pose estimate: ${slot.meta.pose.reason}.`;
      slot.whyEl.hidden = false;
    } else if (r.pose === null) {
      setNumber(slot.poseEl, null, '–');
      slot.whyEl.textContent = 'No pose estimate: the reconstruction is blank, so nothing can be aligned with the input.';
      slot.whyEl.hidden = false;
    } else {
      setNumber(slot.poseEl, r.pose, `${r.pose.toFixed(1)}°`);
      slot.whyEl.hidden = true;
    }
  }
  if (slot.scene !== null) drawLatent(slot.latent, slot.scene, r.mu, slot.upright, [...slot.trail.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]));
}

function slotError(slot: Slot, text: string): void {
  slot.error = text;
  richText(slot.errorEl, `${text}. Rebuild the viewer: ${rebuild()}.`);
  slot.errorEl.hidden = false;
  setNumber(slot.cosineEl, null, '–');
  setNumber(slot.poseEl, null, '–');
  setNumber(slot.kappaEl, null, '–');
  slot.latent.hidden = true;
  slot.whyEl.hidden = true;
}

function drawPlot(): void {
  const live = slots.filter((s) => s.encoder !== null);
  drawCosinePlot(byId<HTMLCanvasElement>('cosine-plot'), live.map((s) => ({ label: s.meta.label, colour: s.colour, points: s.curve })), state.angle);
}

function redrawAll(): void {
  drawPlot();
  for (const slot of slots) {
    if (slot.scene !== null) drawLatent(slot.latent, slot.scene, slot.result?.mu ?? null, slot.upright, [...slot.trail.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]));
  }
}

// ---------------------------------------------------------------------------
// Building the page
// ---------------------------------------------------------------------------

function makeCard(meta: ViewerModel, index: number): Slot {
  const card = el('article', { class: 'model', 'data-model': meta.name });
  const title = el('h2', {}, meta.label);
  title.append(' ', el('small', {}, `${meta.name}, d = ${meta.latentDim}`));
  const pair = el('div', { class: 'pair' });
  const input = el('canvas', { class: 'input', width: '33', height: '33', 'aria-label': `turned input of ${meta.name}; drag to turn` });
  const recon = el('canvas', { class: 'recon', width: '33', height: '33', 'aria-label': `reconstruction by ${meta.name}` });
  const f1 = el('figure');
  f1.append(input, el('figcaption', {}, 'turned input'));
  const f2 = el('figure');
  f2.append(recon, el('figcaption', {}, 'reconstruction'));
  pair.append(f1, f2);
  const numbers = el('dl', { class: 'numbers' });
  const cosineEl = el('dd', { class: 'cosine' }, '…');
  const poseEl = el('dd', { class: 'pose' }, '…');
  const kappaEl = el('dd', { class: 'kappa' }, '…');
  numbers.append(el('dt', {}, 'cos(μ turned, μ upright)'), cosineEl, el('dt', {}, 'pose estimate'), poseEl, el('dt', {}, 'κ (concentration)'), kappaEl);
  const whyEl = el('p', { class: 'why' });
  whyEl.hidden = true;
  const latent = el('canvas', { class: 'latent', 'aria-label': `latent view of ${meta.name}` });
  const latentCaption = el(
    'figcaption',
    {},
    meta.latentView.kind === 'sphere'
      ? 'μ on the sphere (orthographic; drag to turn it). Dots: test digits by class; ring: upright; black dot: now.'
      : `μ projected on its two principal directions (${Math.round(meta.latentView.explained * 100)}% of the variance of the test digits' μ). Ring: upright; black dot: now.`,
  );
  const errorEl = el('p', { class: 'error' });
  errorEl.hidden = true;
  card.append(title, errorEl, pair, numbers, whyEl, latent, latentCaption);
  byId('models').append(card);
  return {
    meta,
    colour: MODEL_COLOURS[index % MODEL_COLOURS.length]!,
    card,
    input,
    recon,
    latent,
    cosineEl,
    poseEl,
    kappaEl,
    whyEl,
    errorEl,
    encoder: null,
    decoder: null,
    error: null,
    scene: null,
    upright: null,
    result: null,
    trail: new Map(),
    curve: new Map(),
  };
}

function setAngle(angle: number): void {
  state.angle = wrapAngle(angle);
  const slider = byId<HTMLInputElement>('angle');
  if (Number(slider.value) !== state.angle) slider.value = String(state.angle);
  byId('angle-value').textContent = `${state.angle}°`;
  request();
}

function setSource(source: State['source']): void {
  state.source = source;
  document.querySelectorAll<HTMLInputElement>('input[name=source]').forEach((radio) => {
    radio.checked = radio.value === source;
  });
  request();
}

function pointerAngle(e: PointerEvent, canvas: HTMLElement): number {
  const r = canvas.getBoundingClientRect();
  return (Math.atan2(-(e.clientY - (r.top + r.height / 2)), e.clientX - (r.left + r.width / 2)) * 180) / Math.PI;
}

function wireTurnByDrag(canvas: HTMLCanvasElement): void {
  let start: { pointer: number; angle: number } | null = null;
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    start = { pointer: pointerAngle(e, canvas), angle: state.angle };
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (start === null) return;
    setAngle(start.angle + pointerAngle(e, canvas) - start.pointer);
  });
  const end = () => {
    start = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

function wireSphereDrag(slot: Slot): void {
  let last: { x: number; y: number } | null = null;
  slot.latent.addEventListener('pointerdown', (e) => {
    if (slot.scene?.view.kind !== 'sphere') return;
    slot.latent.setPointerCapture(e.pointerId);
    last = { x: e.clientX, y: e.clientY };
  });
  slot.latent.addEventListener('pointermove', (e) => {
    if (last === null || slot.scene === null) return;
    slot.scene.yaw += (e.clientX - last.x) * 0.012;
    slot.scene.pitch = Math.max(-1.5, Math.min(1.5, slot.scene.pitch + (e.clientY - last.y) * 0.012));
    last = { x: e.clientX, y: e.clientY };
    drawLatent(slot.latent, slot.scene, slot.result?.mu ?? null, slot.upright, [...slot.trail.entries()].sort((a, b) => a[0] - b[0]).map((v) => v[1]));
  });
  const end = () => {
    last = null;
  };
  slot.latent.addEventListener('pointerup', end);
  slot.latent.addEventListener('pointercancel', end);
}

function wireDrawing(): void {
  const canvas = byId<HTMLCanvasElement>('draw');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return;
  let last: { x: number; y: number } | null = null;
  let scheduled = false;
  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * canvas.width, y: ((e.clientY - r.top) / r.height) * canvas.height };
  };
  const update = () => {
    scheduled = false;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const ink = new Uint8Array(canvas.width * canvas.height);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3]!;
    const digit = normalizeDrawing(ink, canvas.width, canvas.height);
    drawingImage = padImages(digit, MNIST_SIDE, MNIST_SIDE, [0], paddingFor(MNIST_SIDE, MNIST_SIDE, size()));
    drawingVersion++;
    setSource('drawing');
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(update);
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.fillStyle = '#000';
    ctx.lineWidth = canvas.width / 13;
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (last === null) return;
    const p = at(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    schedule();
  });
  const end = () => {
    if (last !== null) schedule();
    last = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  byId('clear-drawing').addEventListener('click', () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawingImage = null;
    drawingVersion++;
    setSource('drawing');
  });
}

function wireControls(): void {
  const slider = byId<HTMLInputElement>('angle');
  slider.addEventListener('input', () => setAngle(Number(slider.value)));
  byId('reset-angle').addEventListener('click', () => setAngle(0));
  const select = byId<HTMLSelectElement>('digit');
  select.addEventListener('change', () => {
    state.digit = Number(select.value);
    setSource('test');
  });
  const step = (d: number) => {
    if (digits === null) return;
    state.digit = (state.digit + d + digits.count) % digits.count;
    select.value = String(state.digit);
    setSource('test');
  };
  byId('prev-digit').addEventListener('click', () => step(-1));
  byId('next-digit').addEventListener('click', () => step(1));
  document.querySelectorAll<HTMLInputElement>('input[name=source]').forEach((radio) => {
    radio.addEventListener('change', () => {
      if (radio.checked) setSource(radio.value === 'drawing' ? 'drawing' : 'test');
    });
  });
  wireDrawing();
  let resize = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(resize);
    resize = requestAnimationFrame(redrawAll);
  });
}

function fillDigitPicker(d: Digits): void {
  const select = byId<HTMLSelectElement>('digit');
  select.textContent = '';
  for (let i = 0; i < d.count; i++) select.append(el('option', { value: String(i) }, `#${i + 1}: a ${d.labels[i]} (test set #${d.indices[i]})`));
  select.disabled = false;
  select.value = String(state.digit);
}

function legend(): void {
  const plot = byId('plot-legend');
  for (const slot of slots) {
    const span = el('span', {}, slot.meta.label);
    span.style.setProperty('--swatch', slot.colour);
    plot.append(span);
  }
  const classes = byId('class-legend');
  classes.append(el('strong', {}, 'latent views, test digits by class:'));
  CLASS_COLOURS.forEach((c, i) => {
    const span = el('span', {}, String(i));
    span.style.setProperty('--swatch', c);
    classes.append(span);
  });
}

hook.snapshot = () => ({
  key: shownKey,
  source: state.source,
  digit: state.digit,
  angle: state.angle,
  input: turnedInput === null ? null : Array.from(turnedInput),
  uprightInput: manifest === null ? null : Array.from(currentSource().image),
  curves: Object.fromEntries(slots.map((s) => [s.meta.name, s.curve.size])),
  models: Object.fromEntries(
    slots.map((s) => [
      s.meta.name,
      {
        error: s.error,
        mu: s.result ? Array.from(s.result.mu) : null,
        upright: s.upright ? Array.from(s.upright) : null,
        kappa: s.result?.kappa ?? null,
        recon: s.result ? Array.from(s.result.recon) : null,
        cosine: s.result?.cosine ?? null,
        pose: s.result?.pose ?? null,
        poseCorrelation: s.result?.poseCorrelation ?? null,
      },
    ]),
  ),
});

async function start(): Promise<void> {
  byId('pipeline').textContent = PIPELINE;
  wireControls();
  const requested = new URLSearchParams(location.search).get('backend');
  try {
    const backend = await chooseBackend(requested);
    byId('backend').textContent = backend.description;
    document.body.dataset.backend = backend.name;
    hook.backend = backend.name;
    if (backend.skipped.length > 0) {
      byId('backend').title = `not used: ${backend.skipped.join('; ')}`;
      byId('backend-note').textContent = `(not used: ${backend.skipped.join('; ')})`;
    }
    mark('backend');
  } catch (error) {
    byId('backend').textContent = 'none';
    showMessage('error', `TensorFlow.js could not start in this browser: ${errorText(error)}. Try another browser.`, 'backend');
    return;
  }
  status('Loading the models…');
  try {
    manifest = await loadViewerManifest();
  } catch (error) {
    showMessage(
      'error',
      `The viewer's files are missing or from another version: ${errorText(error)}. Build the viewer with ${rebuild()} ` +
        `(it needs the trained models: \`npm run ${PIPELINE === 'pipeline' ? 'pipeline' : PIPELINE}\` runs every stage), then reload.`,
      'manifest',
    );
    return;
  }
  hook.manifest = manifest;
  mark('manifest');
  byId('pipeline').textContent = manifest.pipeline;
  byId('code-version').textContent = manifest.codeVersion;
  aligner = new PoseAligner(manifest.image.size, manifest.pose);
  manifest.models.forEach((m, i) => {
    const slot = makeCard(m, i);
    slots.push(slot);
    wireTurnByDrag(slot.input);
    wireSphereDrag(slot);
  });
  legend();
  try {
    digits = await loadDigits(manifest);
    fillDigitPicker(digits);
  } catch (error) {
    fail('The test digits could not be loaded (you can still draw one)', error);
    setSource('drawing');
  }
  for (const slot of slots) {
    try {
      const files = [...slot.meta.encoder, ...slot.meta.decoder];
      slot.encoder = await loadLayersModelChecked(files, slot.meta.encoderUrl);
      slot.decoder = await loadLayersModelChecked(files, slot.meta.decoderUrl);
    } catch (error) {
      slot.encoder?.dispose();
      slot.encoder = null;
      slot.decoder = null;
      slotError(slot, `This model could not be loaded: ${errorText(error)}`);
      fail(`Model ${slot.meta.name} could not be loaded`, error);
      continue;
    }
    if (digits !== null) {
      try {
        const points = await loadLatents(slot.meta, digits.count);
        slot.scene = { view: slot.meta.latentView, dim: slot.meta.latentDim, points, labels: digits.labels, yaw: -0.5, pitch: 0.35 };
        prepareScene(slot.scene);
      } catch (error) {
        fail(`The latent view of ${slot.meta.name} could not be loaded`, error);
      }
    }
  }
  mark('models');
  const warning = checksumWarning();
  if (warning !== null) showMessage('info', `Note: ${warning}.`, 'checksums');
  if (manifest.formatVersion !== VIEWER_FORMAT_VERSION) return;
  hook.ready = true;
  document.body.dataset.ready = 'true';
  request();
}

start()
  .catch((error) => showMessage('error', `The viewer could not start: ${errorText(error)}. Rebuild it: ${rebuild()}.`, 'start'))
  .finally(() => {
    if (!hook.ready) status('');
    if (!running) setBusy(false);
  });
