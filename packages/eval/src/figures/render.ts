import type { EvaluationSamples } from '../evaluate.ts';
import type { EvaluationResults, FigureInfo } from '../results.ts';
import { invarianceSpec, latentSpec, vegaLiteToSvg } from './charts.ts';
import { imageGridSvg, svgToPng, type ImageGridRow } from './svg.ts';

export interface RenderedFigure {
  info: FigureInfo;
  svg: string;
  png: Buffer;
}

export interface RenderOptions {
  pixelScale: number;
}

/** Zoom of each PNG relative to its SVG's size. */
const PNG_ZOOM = 2;

const deg = (a: number) => `${Math.round(a)}°`;

export function figure(id: string, title: string, caption: string, svg: string, zoom: number): RenderedFigure {
  const { png, width, height } = svgToPng(svg, zoom);
  return { info: { id, title, caption, png: `figures/${id}.png`, svg: `figures/${id}.svg`, width, height, zoom }, svg, png };
}

/** Every figure of the report, from the numbers and the kept sample images. */
export async function renderFigures(results: EvaluationResults, samples: EvaluationSamples, options: RenderOptions): Promise<RenderedFigure[]> {
  const zoom = PNG_ZOOM;
  const { size } = samples;
  const scale = options.pixelScale;
  const out: RenderedFigure[] = [];
  const modelRows = (strip: { reconstructions: Record<string, Float32Array> }): ImageGridRow[] =>
    results.models.map((m) => ({ label: m.label, images: strip.reconstructions[m.name] }));

  const rd = samples.rotatedDigits;
  out.push(
    figure(
      'reconstructions',
      'Rotated test digits and their reconstructions',
      `Top row: one rotated test digit of each class (its angle above it). Below: the reconstruction of each VAE, ` +
        `decoded from the posterior mean direction mu. A rotation-invariant encoder should give upright digits (cf. Figure 1 of the paper).`,
      imageGridSvg({
        title: 'Rotated digits and reconstructions',
        size,
        scale,
        columnLabels: rd.angles.map(deg),
        rows: [{ label: 'rotated input', images: rd.inputs }, ...modelRows(rd)],
      }),
      zoom,
    ),
  );

  const sn = samples.sixNine;
  out.push(
    figure(
      'six-nine',
      'Rotated 6s and 9s and their reconstructions',
      `Rotated 6s (left) and 9s (right) from the test set and each VAE's reconstruction (cf. Figure 2 of the paper). ` +
        `Column labels give digit and angle.`,
      imageGridSvg({
        title: 'Rotated 6s and 9s',
        size,
        scale,
        columnLabels: sn.labels.map((l, i) => `${l} ${deg(sn.angles[i])}`),
        rows: [{ label: 'rotated input', images: sn.inputs }, ...modelRows(sn)],
      }),
      zoom,
    ),
  );

  const gd = samples.gridDigit;
  out.push(
    figure(
      'rotation-grid',
      'One digit turned through a full circle',
      `A test digit turned in equal steps (angle above each column) and each VAE's reconstruction. ` +
        `An invariant embedding gives the same upright reconstruction in every column.`,
      imageGridSvg({
        title: 'One digit through a full circle',
        size,
        scale: Math.max(1, scale - 1),
        columnLabels: gd.angles.map((a, i) => (i % 3 === 0 ? deg(a) : '')),
        rows: [{ label: 'input', images: gd.inputs }, ...modelRows(gd)],
      }),
      zoom,
    ),
  );

  out.push(
    figure(
      'invariance',
      'Invariance of the embedding',
      `For ${results.invariance[0]?.digits ?? 0} test digits turned through a full circle: the cosine similarity between mu of the turned ` +
        `digit and mu of the upright digit (left), the per-pixel mean squared error of the reconstruction against the upright digit (middle), ` +
        `and the judge's accuracy on the reconstructions (right). Lines: mean over digits; bands: +-1 standard deviation.`,
      await vegaLiteToSvg(invarianceSpec(results.invariance, results.models)),
      zoom,
    ),
  );

  const ps = samples.pose;
  const poseRows: ImageGridRow[] = [{ label: 'input (true angle)', images: ps.inputs, captions: ps.angles.map(deg) }];
  for (const m of results.models) {
    poseRows.push({ label: `${m.label} reconstruction`, images: ps.reconstructions[m.name] });
    poseRows.push({ label: `${m.label} turned back (estimate)`, images: ps.reposed[m.name], captions: ps.estimated[m.name].map(deg) });
  }
  out.push(
    figure(
      'pose',
      'Pose recovery: reconstructions turned back into the input pose',
      `Each input's angle is estimated by turning the reconstruction to maximise its correlation with the input inside the ` +
        `inscribed disk (coarse search over the circle, then a finer one). "Turned back" shows the reconstruction rotated by the estimate; ` +
        `captions give the true and the estimated angle.`,
      imageGridSvg({ title: 'Pose recovery', size, scale, rows: poseRows }),
      zoom,
    ),
  );

  for (const m of results.models) {
    const latent = samples.latent[m.name];
    if (!latent) continue;
    const { spec, projection } = latentSpec({ label: m.label, latentDim: latent.latentDim, upright: latent.upright, rotated: latent.rotated });
    out.push(
      figure(
        `latent-${m.name}`,
        `Latent space of ${m.label}`,
        `Posterior mean directions mu of upright (left) and rotated (right) test digits, coloured by digit: ${projection}. ` +
          `For a rotation-invariant encoder the rotated digits fall in the same clusters as the upright ones.`,
        await vegaLiteToSvg(spec),
        zoom,
      ),
    );
  }
  return out;
}
