/**
 * A small seeded generator (mulberry32): the same seed gives the same data on every machine,
 * which is what makes a seeded store and probabilistic faults reproducible in tests.
 */
export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [0, n). */
  readonly int: (n: number) => number
  readonly pick: <A>(values: ReadonlyArray<A>) => A
}

export const make = (seed: number): Random => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return { next, int, pick: (values) => values[int(values.length)]! }
}

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

/** An Airplane-shaped id: `<prefix><yyyymmdd>z<base36>`, e.g. `run20220111zlq2ig4`. */
export const id = (random: Random, prefix: string, at: number): string => {
  const day = new Date(at).toISOString().slice(0, 10).replaceAll("-", "")
  let suffix = ""
  for (let i = 0; i < 10; i++) suffix += alphabet[random.int(alphabet.length)]
  return `${prefix}${day}z${suffix}`
}
