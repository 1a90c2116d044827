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

/**
 * The median of each key over a non-empty list of records, rounded to `digits` decimals (a
 * number, or one for each key).
 */
export const medians = <K extends string>(
  samples: ReadonlyArray<Readonly<Record<K, number>>>,
  keys: ReadonlyArray<K>,
  digits: number | ((key: K) => number) = 0
): Record<K, number> =>
  Object.fromEntries(
    keys.map((key) => [
      key,
      round(median(samples.map((sample) => sample[key])), typeof digits === "number" ? digits : digits(key))
    ])
  ) as Record<K, number>

/** Digits for `medians`: ms to the unit, MB to a tenth. */
export const msAndMb = (key: string): number => (key.endsWith("Mb") ? 1 : 0)
