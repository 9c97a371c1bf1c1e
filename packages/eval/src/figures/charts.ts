// Charts: a Vega-Lite spec compiled to Vega and rendered to SVG headlessly
// (renderer "none" needs no canvas package), then to PNG by resvg.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { InvarianceResult, ModelInfo } from '../results.ts';
import { FONT_FAMILY } from './font.ts';
import { hammerProjection, principalComponents2 } from './projection.ts';

const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11, symbolOpacity: 1 },
  title: { fontSize: 13 },
} as const;

export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const PANELS = [
  { key: 'cosine', title: 'cos(mu(turned), mu(upright))', domain: [-1, 1] },
  { key: 'reconstructionError', title: 'MSE of reconstruction vs upright digit', domain: null },
  { key: 'judgeAccuracy', title: 'judge accuracy on reconstructions', domain: [0, 1] },
] as const;

export function invarianceSpec(results: readonly InvarianceResult[], models: readonly ModelInfo[]): TopLevelSpec {
  const labelOf = (name: string) => models.find((m) => m.name === name)?.label ?? name;
  const order = results.map((r) => labelOf(r.model));
  const angles = results.flatMap((r) => r.cosine.angles);
  // The data stage's grid runs over [-180, 180); others may use [0, 360).
  const lo = Math.min(0, ...angles) < 0 ? -180 : 0;
  const xDomain = [lo, lo + 360];
  const ticks = [0, 1, 2, 3, 4].map((k) => lo + 90 * k);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    hconcat: PANELS.map((panel) => ({
      width: 240,
      height: 180,
      title: panel.title,
      data: {
        values: results.flatMap((r) =>
          r[panel.key].angles.map((angle, i) => {
            const m = r[panel.key].mean[i];
            const s = r[panel.key].std[i];
            return { model: labelOf(r.model), angle, mean: m, lo: m - s, hi: m + s };
          }),
        ),
      },
      layer: [
        {
          mark: { type: 'area', opacity: 0.15 },
          encoding: {
            x: { field: 'angle', type: 'quantitative' },
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
            color: { field: 'model', type: 'nominal', sort: order },
          },
        },
        {
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x: { field: 'angle', type: 'quantitative', title: 'rotation (degrees)', scale: { domain: xDomain }, axis: { values: ticks } },
            y: {
              field: 'mean',
              type: 'quantitative',
              title: null,
              scale: panel.domain ? { domain: [...panel.domain], clamp: true } : { zero: true },
            },
            color: { field: 'model', type: 'nominal', sort: order, title: 'model' },
          },
        },
      ],
    })),
  } as TopLevelSpec;
}

export interface LatentFigureInput {
  label: string;
  latentDim: number;
  upright: { mu: Float32Array; labels: Uint8Array };
  rotated: { mu: Float32Array; labels: Uint8Array };
}

/** Scatter of mu coloured by digit: Hammer projection of the sphere for 3-D latents, else the two leading principal components. */
export function latentSpec(input: LatentFigureInput): { spec: TopLevelSpec; projection: string } {
  const { latentDim } = input;
  const both = new Float32Array(input.upright.mu.length + input.rotated.mu.length);
  both.set(input.upright.mu);
  both.set(input.rotated.mu, input.upright.mu.length);
  const nUp = input.upright.labels.length;
  let coords: Float32Array;
  let projection: string;
  if (latentDim === 3) {
    coords = hammerProjection(both);
    projection = 'Hammer equal-area projection of the sphere S^2';
  } else {
    const pca = principalComponents2(both, latentDim);
    coords = pca.coords;
    projection = `first two principal components of mu in R^${latentDim} (${(100 * pca.explained).toFixed(0)}% of the variance)`;
  }
  const sphere = latentDim === 3;
  const sets = ['upright test digits', 'rotated test digits'];
  const values: Record<string, string | number | boolean>[] = Array.from({ length: both.length / latentDim }, (_, i) => ({
    set: i < nUp ? sets[0] : sets[1],
    x: coords[2 * i],
    y: coords[2 * i + 1],
    digit: String(i < nUp ? input.upright.labels[i] : input.rotated.labels[i - nUp]),
    outline: false,
  }));
  if (sphere) {
    // The boundary of the Hammer projection: an ellipse with semi-axes 2 sqrt 2 and sqrt 2.
    for (const set of sets) {
      for (let k = 0; k <= 72; k++) {
        const t = (k * 2 * Math.PI) / 72;
        values.push({ set, x: 2 * Math.SQRT2 * Math.cos(t), y: Math.SQRT2 * Math.sin(t), digit: '', outline: true, order: k });
      }
    }
  }
  const axis = (title: string, limit: number) =>
    sphere ? { title, scale: { domain: [-limit, limit] }, axis: null } : { title, scale: { zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${input.label}: latent means (${sphere ? 'sphere, Hammer projection' : 'PCA'})`,
    data: { values },
    facet: { column: { field: 'set', type: 'nominal', title: null, sort: sets } },
    spec: {
      width: 260,
      height: sphere ? 130 : 260,
      layer: [
        ...(sphere
          ? [
              {
                transform: [{ filter: 'datum.outline' }],
                mark: { type: 'line', color: '#999', strokeWidth: 1 },
                encoding: {
                  x: { field: 'x', type: 'quantitative', ...axis('', 2 * Math.SQRT2) },
                  y: { field: 'y', type: 'quantitative', ...axis('', Math.SQRT2) },
                  order: { field: 'order', type: 'quantitative' },
                },
              },
            ]
          : []),
        {
          transform: [{ filter: '!datum.outline' }],
          mark: { type: 'circle', size: 10, opacity: 0.7 },
          encoding: {
            x: { field: 'x', type: 'quantitative', ...axis(sphere ? '' : 'PC 1', 2 * Math.SQRT2) },
            y: { field: 'y', type: 'quantitative', ...axis(sphere ? '' : 'PC 2', Math.SQRT2) },
            color: { field: 'digit', type: 'nominal', scale: { scheme: 'category10' }, sort: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
          },
        },
      ],
    },
    config: sphere ? { view: { stroke: null } } : {},
  } as TopLevelSpec;
  return { spec, projection };
}
