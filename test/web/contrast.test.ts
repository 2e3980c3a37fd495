/**
 * The page's colours, read from web/src/styles.css, pass WCAG AA contrast (4.5:1 for text, 3:1 for
 * the focus ring and bars against the page) in both the light and the dark scheme.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, '..', '..', 'web', 'src', 'styles.css'), 'utf8');

/** The `--name: #hex` variables of the first block after `marker`. */
function palette(marker: string): Record<string, string> {
  const start = css.indexOf(marker);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const ratio = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

/** [foreground, background, minimum ratio]. */
const PAIRS: [string, string, number][] = [
  ['text', 'bg', 4.5],
  ['text', 'panel', 4.5],
  ['muted', 'bg', 4.5],
  ['muted', 'panel', 4.5],
  ['accent', 'bg', 4.5],
  ['accent-text', 'accent', 4.5],
  ['done', 'bg', 4.5],
  ['done', 'panel', 4.5],
  ['error', 'bg', 4.5],
  ['error', 'panel', 4.5],
  ['bg', 'error', 4.5],
  ['text', 'warn-bg', 4.5],
  ['focus', 'bg', 3],
  ['accent', 'bar-bg', 3],
];

describe.each([
  ['light', ':root {'],
  ['dark', '@media (prefers-color-scheme: dark)'],
])('%s scheme', (_, marker) => {
  const colours = palette(marker);
  it.each(PAIRS)('%s on %s reaches %d:1', (fg, bg, min) => {
    expect(colours[fg], fg).toMatch(/^#/);
    expect(colours[bg], bg).toMatch(/^#/);
    expect(ratio(colours[fg], colours[bg])).toBeGreaterThanOrEqual(min);
  });
});
