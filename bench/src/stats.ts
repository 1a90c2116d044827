/** The median of a non-empty list. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Rounded to `digits` decimals. */
export const round = (value: number, digits = 0): number => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
