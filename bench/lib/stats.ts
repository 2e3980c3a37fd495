/** Small statistics used to summarise repeated runs. Pure functions. */

/** Median of the defined values; undefined when there are none. Even counts average the middle two. */
export function median(values: ReadonlyArray<number | undefined>): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** 100 * part / whole, or undefined when either is missing or whole is not positive. */
export function percent(part: number | undefined, whole: number | undefined): number | undefined {
  if (part === undefined || whole === undefined || !(whole > 0)) return undefined;
  return (100 * part) / whole;
}
