import { Resvg } from '@resvg/resvg-js';
import { EvalInputError } from '../errors.ts';
import { FONT_FAMILY, fontFiles } from './font.ts';
import { imageStripPng } from './png.ts';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders an SVG to PNG with the bundled font only. `zoom` scales the output. */
export function svgToPng(svg: string, zoom = 1): { png: Buffer; width: number; height: number } {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** Parses an SVG (throws on malformed XML or a non-SVG root) and returns its size. */
export function parseSvg(svg: string): { width: number; height: number } {
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(svg)) throw new EvalInputError('not an SVG: the root element is not <svg>');
  const resvg = new Resvg(svg, { font: { loadSystemFonts: false } });
  return { width: resvg.width, height: resvg.height };
}

export interface ImageGridRow {
  label: string;
  /** count images of size x size, [0, 1]. */
  images: Float32Array;
  /** Optional text under each image. */
  captions?: string[];
}

export interface ImageGridFigure {
  title: string;
  rows: ImageGridRow[];
  size: number;
  scale: number;
  /** Optional text above each column. */
  columnLabels?: string[];
}

/**
 * An image grid as SVG: each row is one embedded PNG (data URI) with a label
 * on the left; text is SVG text, so the SVG stays searchable and the PNG made
 * from it uses the bundled font.
 */
export function imageGridSvg(figure: ImageGridFigure): string {
  const { size, scale } = figure;
  const gap = 4;
  const count = figure.rows[0]?.images.length ? figure.rows[0].images.length / (size * size) : 0;
  if (count === 0 || figure.rows.some((r) => r.images.length !== count * size * size)) {
    throw new EvalInputError(`imageGridSvg "${figure.title}": every row needs the same positive number of ${size}x${size} images`);
  }
  const labelWidth = Math.max(90, 7 * Math.max(...figure.rows.map((r) => r.label.length)) + 16);
  const cell = size * scale;
  const titleHeight = 28;
  const colLabelHeight = figure.columnLabels ? 16 : 0;
  const parts: string[] = [];
  let y = titleHeight + colLabelHeight;
  const stripWidth = count * cell + (count - 1) * gap;
  for (const row of figure.rows) {
    const strip = imageStripPng(row.images, count, { size, scale, gap });
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + cell / 2 + 4}" text-anchor="end" font-size="12">${escapeXml(row.label)}</text>`,
      `<image x="${labelWidth}" y="${y}" width="${strip.width}" height="${strip.height}" image-rendering="optimizeSpeed" ` +
        `href="data:image/png;base64,${strip.png.toString('base64')}"/>`,
    );
    y += cell;
    if (row.captions) {
      row.captions.forEach((c, i) => {
        parts.push(`<text x="${labelWidth + i * (cell + gap) + cell / 2}" y="${y + 11}" text-anchor="middle" font-size="9">${escapeXml(c)}</text>`);
      });
      y += 14;
    }
    y += gap;
  }
  if (figure.columnLabels) {
    figure.columnLabels.forEach((c, i) => {
      parts.push(`<text x="${labelWidth + i * (cell + gap) + cell / 2}" y="${titleHeight + 11}" text-anchor="middle" font-size="9">${escapeXml(c)}</text>`);
    });
  }
  const width = labelWidth + stripWidth + 12;
  const height = y + 6;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${FONT_FAMILY}, sans-serif">` +
    `<rect width="${width}" height="${height}" fill="white"/>` +
    `<text x="8" y="19" font-size="14" font-weight="bold">${escapeXml(figure.title)}</text>` +
    parts.join('') +
    '</svg>'
  );
}
