/// <reference lib="dom" />
// Drawing on canvases: digits, the latent views and the cosine plot.
import { orthographic, projectPca } from '../latent.ts';
import type { LatentView } from '../format.ts';

/** Ten class colours (Tableau 10), for the latent views. */
export const CLASS_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** Model colours in the cosine plot. */
export const MODEL_COLOURS = ['#0b63b6', '#c0392b', '#2e8b57', '#8e44ad', '#d35400', '#2c3e50'];

/** Draws a size x size image of values in [0, 1] (or 0..255 with `scale` 1/255) as dark ink on white. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, size: number, scale = 1): void {
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const img = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = Math.max(0, Math.min(1, pixels[i]! * scale));
    const g = Math.round(255 * (1 - v));
    img.data[4 * i] = g;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = g;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Sizes a canvas's backing store to its CSS size times the device pixel ratio; returns the CSS size. */
export function fitCanvas(canvas: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D | null } {
  const rect = canvas.getBoundingClientRect();
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(rect.width));
  const h = Math.max(1, Math.round(rect.height));
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

export interface LatentScene {
  view: LatentView;
  dim: number;
  /** mu of the exported digits, [count, dim]. */
  points: Float32Array;
  labels: Uint8Array;
  /** Screen coordinates of the exported digits in the PCA view (computed once). */
  projected?: Float32Array;
  /** Scale of the PCA view: the largest |coordinate|. */
  extent?: number;
  /** The sphere's orientation (radians), changed by dragging. */
  yaw: number;
  pitch: number;
}

export function prepareScene(scene: LatentScene): void {
  if (scene.view.kind !== 'pca') return;
  const n = scene.labels.length;
  const out = new Float32Array(2 * n);
  let extent = 1e-6;
  for (let i = 0; i < n; i++) {
    const [u, v] = projectPca(scene.view, scene.points.subarray(i * scene.dim, (i + 1) * scene.dim));
    out[2 * i] = u;
    out[2 * i + 1] = v;
    extent = Math.max(extent, Math.abs(u), Math.abs(v));
  }
  scene.projected = out;
  scene.extent = extent;
}

/** Draws the latent view: the exported digits by class, the upright digit's mu (ring), the trail and the current mu (dot). */
export function drawLatent(canvas: HTMLCanvasElement, scene: LatentScene, current: Float32Array | null, upright: Float32Array | null, trail: readonly Float32Array[]): void {
  const { w, h, ctx } = fitCanvas(canvas);
  if (ctx === null) return;
  ctx.clearRect(0, 0, w, h);
  const r = Math.min(w, h) / 2 - 10;
  const cx = w / 2;
  const cy = h / 2;
  const n = scene.labels.length;
  let place: (p: ArrayLike<number>) => [number, number, number];
  if (scene.view.kind === 'sphere') {
    ctx.strokeStyle = '#c9c9c2';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.stroke();
    // The equator and the meridian through the viewer, for orientation.
    ctx.strokeStyle = '#e6e6e0';
    for (const ring of [0, 1]) {
      ctx.beginPath();
      for (let k = 0; k <= 64; k++) {
        const t = (k / 64) * 2 * Math.PI;
        const p = ring === 0 ? [Math.cos(t), 0, Math.sin(t)] : [0, Math.cos(t), Math.sin(t)];
        const [x, y, z] = orthographic(p, scene.yaw, scene.pitch);
        if (z < 0) {
          ctx.moveTo(cx + r * x, cy - r * y);
          continue;
        }
        ctx.lineTo(cx + r * x, cy - r * y);
      }
      ctx.stroke();
    }
    place = (p) => {
      const [x, y, z] = orthographic(p, scene.yaw, scene.pitch);
      return [cx + r * x, cy - r * y, z];
    };
  } else {
    const view = scene.view;
    const k = r / (scene.extent ?? 1);
    ctx.strokeStyle = '#e6e6e0';
    ctx.beginPath();
    ctx.moveTo(cx - r, cy);
    ctx.lineTo(cx + r, cy);
    ctx.moveTo(cx, cy - r);
    ctx.lineTo(cx, cy + r);
    ctx.stroke();
    place = (p) => {
      const [u, v] = projectPca(view, p);
      return [cx + k * u, cy - k * v, 1];
    };
  }
  // Back hemisphere first and faint, then the front.
  for (const front of [false, true]) {
    for (let i = 0; i < n; i++) {
      const [x, y, z] = place(scene.points.subarray(i * scene.dim, (i + 1) * scene.dim));
      if (z >= 0 !== front) continue;
      ctx.globalAlpha = front ? 0.8 : 0.18;
      ctx.fillStyle = CLASS_COLOURS[scene.labels[i]!]!;
      ctx.beginPath();
      ctx.arc(x, y, 2.3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
  if (trail.length > 1) {
    ctx.strokeStyle = 'rgba(0,0,0,0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    trail.forEach((p, i) => {
      const [x, y] = place(p);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
  if (upright !== null) {
    const [x, y] = place(upright);
    ctx.strokeStyle = '#1d1d1f';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, 7, 0, 2 * Math.PI);
    ctx.stroke();
  }
  if (current !== null) {
    const [x, y, z] = place(current);
    ctx.fillStyle = z >= 0 ? '#1d1d1f' : 'rgba(29,29,31,0.45)';
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

export interface CurveSeries {
  label: string;
  colour: string;
  /** angle (integer degrees) -> cosine. */
  points: Map<number, number>;
}

/** The cosine-against-angle plot, x from -180 to 180 degrees, y from the lowest value (at most -0.2) to 1. */
export function drawCosinePlot(canvas: HTMLCanvasElement, series: readonly CurveSeries[], angle: number): void {
  const { w, h, ctx } = fitCanvas(canvas);
  if (ctx === null) return;
  ctx.clearRect(0, 0, w, h);
  const left = 44;
  const right = 10;
  const top = 10;
  const bottom = 28;
  let lo = -0.2;
  for (const s of series) for (const v of s.points.values()) lo = Math.min(lo, v);
  lo = Math.max(-1, Math.floor(lo * 5) / 5);
  const X = (a: number) => left + ((a + 180) / 360) * (w - left - right);
  const Y = (v: number) => top + ((1 - v) / (1 - lo)) * (h - top - bottom);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#5f6368';
  ctx.strokeStyle = '#e6e6e0';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = 1; v >= lo - 1e-9; v -= 0.2) {
    const y = Y(v);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(w - right, y);
    ctx.stroke();
    ctx.fillText(v.toFixed(1), left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let a = -180; a <= 180; a += 90) {
    const x = X(a);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, h - bottom);
    ctx.stroke();
    ctx.fillText(`${a}°`, x, h - bottom + 6);
  }
  ctx.strokeStyle = 'rgba(0,0,0,0.5)';
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(X(angle), top);
  ctx.lineTo(X(angle), h - bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  // Earlier series are drawn wider, so that curves lying on one another (two invariant encoders at 1) both show.
  series.forEach((s, k) => {
    const pts = [...s.points.entries()].sort((a, b) => a[0] - b[0]);
    const width = 1.5 + 2 * (series.length - 1 - k);
    ctx.strokeStyle = s.colour;
    ctx.fillStyle = s.colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    pts.forEach(([a, v], i) => {
      if (i === 0) ctx.moveTo(X(a), Y(v));
      else ctx.lineTo(X(a), Y(v));
    });
    ctx.stroke();
    for (const [a, v] of pts) {
      ctx.beginPath();
      ctx.arc(X(a), Y(v), 1.2 + width / 2, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
}
