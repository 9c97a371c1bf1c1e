// Text in PNGs is drawn with a font shipped by npm (dejavu-fonts-ttf) and no
// system fonts, so that the same SVG renders to the same pixels everywhere.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FONT_FAMILY = 'DejaVu Sans';

let cached: string[] | undefined;

/** Paths of the TrueType files resvg loads. */
export function fontFiles(): string[] {
  if (cached === undefined) {
    const root = dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
    cached = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(root, 'ttf', f));
  }
  return cached;
}
