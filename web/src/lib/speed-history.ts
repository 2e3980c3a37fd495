/** The samples of the global speed chart: the newest `capacity` values, oldest first. */
export function pushSample(samples: readonly number[], value: number, capacity: number): number[] {
  const next = [...samples, Math.max(0, Number.isFinite(value) ? value : 0)];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}

/**
 * An SVG polyline `points` attribute for samples drawn in a `width` x `height` box, the newest at
 * the right edge; the top of the box is the largest sample (at least `floor`, so that idle noise
 * does not fill the chart).
 */
export function chartPoints(samples: readonly number[], capacity: number, width: number, height: number, floor = 1024): string {
  const max = Math.max(floor, ...samples);
  const step = capacity > 1 ? width / (capacity - 1) : 0;
  const offset = capacity - samples.length;
  return samples.map((v, i) => `${((offset + i) * step).toFixed(1)},${(height - (v / max) * height).toFixed(1)}`).join(' ');
}
