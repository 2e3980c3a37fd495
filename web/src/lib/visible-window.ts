/** The rows a virtual list renders: [first, last) plus the padding that stands in for the rest. */
export interface VisibleWindow {
  first: number;
  last: number;
  padTop: number;
  padBottom: number;
}

/**
 * Which of `count` rows of `rowHeight` px to render for a viewport of `viewport` px scrolled by
 * `scrollTop`, with `overscan` extra rows on each side. Invariant: padTop + rendered rows +
 * padBottom = count * rowHeight, so the scroll height never jumps.
 */
export function visibleWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 5): VisibleWindow {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: 0, padTop: 0, padBottom: 0 };
  const first = Math.max(0, Math.min(count - 1, Math.floor(scrollTop / rowHeight) - overscan));
  const last = Math.min(count, Math.ceil((scrollTop + Math.max(viewport, rowHeight)) / rowHeight) + overscan);
  return { first, last, padTop: first * rowHeight, padBottom: (count - last) * rowHeight };
}
