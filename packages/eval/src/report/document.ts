// The report as Markdown (figures as files beside it) and as one
// self-contained HTML page (figures inlined as data URIs).
import type { ColumnTable } from 'arquero';
import type { RenderedFigure } from '../figures/render.ts';
import type { EvaluationResults } from '../results.ts';
import { summaryTable } from './summary.ts';
import { buildTables, type ReportTable } from './tables.ts';

const NUMERIC = /^[-+–−]?[\d.,]*\d[\d.,]*(%|°|k)?( \[[\d., ]+\])?$|^–$/;

/** Columns of numbers (plain, %, °, k, with an interval) right-aligned; labels left-aligned. */
function alignment(t: ColumnTable): Record<string, 'l' | 'r'> {
  const rows = t.objects() as Record<string, unknown>[];
  return Object.fromEntries(
    t.columnNames().map((n) => [n, rows.length > 0 && rows.every((r) => typeof r[n] === 'number' || NUMERIC.test(String(r[n]))) ? 'r' : 'l']),
  );
}
export const markdownTable = (t: ColumnTable) => t.toMarkdown({ align: alignment(t) });
export const htmlTable = (t: ColumnTable) => t.toHTML({ align: alignment(t) });

interface Section {
  heading: string;
  intro?: string;
  tables: string[];
  /** Figure ids, or a prefix ending in "*". */
  figures: string[];
}

const TITLE = 'Rotation-agnostic representations with group-equivariant VAEs: evaluation report';

function sections(results: EvaluationResults): Section[] {
  return [
    {
      heading: 'Table 1: can the judge read the reconstructions?',
      intro:
        'Shokry & Norelli (ICLR 2023 Tiny Paper) score each VAE by how often a ResNet judge, trained on MNIST, recognises the ' +
        'reconstruction of a (rotated) test digit. Here each number comes with a confidence interval, and the judge\'s own accuracy on the inputs is reported.',
      tables: [...(results.seedSpread ? ['table-1-seeds'] : []), 'table-1', 'table-1-intervals'],
      figures: ['reconstructions'],
    },
    {
      heading: 'Invariance of the embedding',
      intro:
        'The paper shows invariance only through the judge. Here the embedding itself is measured as the input turns, ' +
        'and read as a classifier (kNN on mu) with no decoder or judge in the way.',
      tables: ['invariance', 'knn'],
      figures: ['invariance', 'rotation-grid'],
    },
    {
      heading: 'The 6-or-9 question',
      intro:
        'A rotation-invariant encoder cannot use orientation to tell a 6 from a 9. How often does the judge read a reconstructed 6 as a 9, ' +
        'and are 6s and 9s separable in latent space at all?',
      tables: ['six-nine-confusion', 'six-nine-neighbours'],
      figures: ['six-nine'],
    },
    {
      heading: 'Pose recovery',
      intro: 'The invariant embedding throws the pose away; it can be recovered afterwards by aligning the upright reconstruction with the input.',
      tables: ['pose'],
      figures: ['pose'],
    },
    { heading: 'Latent space', tables: [], figures: ['latent-*'] },
    {
      heading: 'Table 2: beta x latent-dimension sweep',
      intro: results.sweep ? undefined : 'No sweep results were given to this evaluation (pass --sweep <dir> once the sweep pipeline has run).',
      tables: results.sweep ? ['table-2'] : [],
      figures: [],
    },
    { heading: 'Provenance', tables: ['provenance', 'timings'], figures: [] },
  ];
}

function figuresFor(pattern: string, figures: readonly RenderedFigure[]): RenderedFigure[] {
  return pattern.endsWith('*') ? figures.filter((f) => f.info.id.startsWith(pattern.slice(0, -1))) : figures.filter((f) => f.info.id === pattern);
}

function intro(results: EvaluationResults): string {
  const models = results.models.map((m) => `${m.label} (latent dimension ${m.latentDim})`).join(', ');
  const c = results.counts;
  return (
    `Models: ${models}; judge: ${results.judge.label}. Test inputs: ${c.upright} upright digits, ${c.rotated} rotated digits, ` +
    `${c['rotated-6']} rotated 6s and ${c['rotated-9']} rotated 9s. Intervals are ${Math.round(100 * results.confidenceLevel)}% intervals.`
  );
}

export function renderMarkdown(results: EvaluationResults, figures: readonly RenderedFigure[], tables: readonly ReportTable[] = buildTables(results)): string {
  const out: string[] = [`# ${TITLE}`, '', intro(results), '', '## Summary', '', '<a id="summary"></a>', '', markdownTable(summaryTable(results)), ''];
  let figureNumber = 0;
  for (const s of sections(results)) {
    out.push(`## ${s.heading}`, '');
    if (s.intro) out.push(s.intro, '');
    for (const id of s.tables) {
      const t = tables.find((x) => x.id === id);
      if (!t) continue;
      out.push(`### ${t.title}`, '', `<a id="${t.id}"></a>`, '', t.caption, '', markdownTable(t.table), '');
    }
    for (const pattern of s.figures) {
      for (const f of figuresFor(pattern, figures)) {
        figureNumber++;
        out.push(...figureMarkdown(f, figureNumber));
      }
    }
  }
  return out.join('\n');
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; }
th { background: #f3f3f3; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption, .caption { font-size: 13px; color: #444; }
.table-wrap { overflow-x: auto; }
`;

/** The start of a self-contained report page: head, style, title and the intro paragraph. */
export function htmlHead(title: string, intro: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(intro)}</p>`,
  ];
}

/** A numbered figure in Markdown: heading, anchor, the PNG and its caption with a link to the SVG. */
export function figureMarkdown(f: RenderedFigure, n: number): string[] {
  return [
    `### Figure ${n}: ${f.info.title}`,
    '',
    `<a id="figure-${f.info.id}"></a>`,
    '',
    `![${f.info.title}](${f.info.png})`,
    '',
    `*Figure ${n}.* ${f.info.caption} ([SVG](${f.info.svg}))`,
    '',
  ];
}

/** A numbered figure in HTML, its PNG inlined. */
export function figureHtml(f: RenderedFigure, n: number): string[] {
  return [
    `<figure id="figure-${f.info.id}">`,
    `<img alt="${escapeHtml(f.info.title)}" width="${Math.round(f.info.width / f.info.zoom)}" src="data:image/png;base64,${f.png.toString('base64')}">`,
    `<figcaption><b>Figure ${n}: ${escapeHtml(f.info.title)}.</b> ${escapeHtml(f.info.caption)}</figcaption>`,
    '</figure>',
  ];
}

export function renderHtml(results: EvaluationResults, figures: readonly RenderedFigure[], tables: readonly ReportTable[] = buildTables(results)): string {
  const out: string[] = [
    ...htmlHead(TITLE, intro(results)),
    '<h2>Summary</h2>',
    `<div class="table-wrap" id="summary">${htmlTable(summaryTable(results))}</div>`,
  ];
  let figureNumber = 0;
  for (const s of sections(results)) {
    out.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    if (s.intro) out.push(`<p>${escapeHtml(s.intro)}</p>`);
    for (const id of s.tables) {
      const t = tables.find((x) => x.id === id);
      if (!t) continue;
      out.push(
        `<h3>${escapeHtml(t.title)}</h3>`,
        `<p class="caption">${escapeHtml(t.caption)}</p>`,
        `<div class="table-wrap" id="${t.id}">${htmlTable(t.table)}</div>`,
      );
    }
    for (const pattern of s.figures) {
      for (const f of figuresFor(pattern, figures)) {
        figureNumber++;
        out.push(...figureHtml(f, figureNumber));
      }
    }
  }
  out.push('</body></html>', '');
  return out.join('\n');
}
