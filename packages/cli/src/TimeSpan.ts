/**
 * The times and durations of the command line: `--since` and `--until` take an RFC 3339 time
 * (`2026-01-31T12:00:00Z`) or a span back from now (`2h`, `7d`, `1h30m`), `--timeout` a span.
 *
 * @example
 * ```ts
 * import { TimeSpan } from "@airplane-runs/cli"
 * import { Duration, Either } from "effect"
 *
 * Either.map(TimeSpan.parseSpan("1h30m"), Duration.toMinutes) // Right(90)
 * TimeSpan.parseTime("7d", new Date("2026-01-08T00:00:00Z")) // Right(2026-01-01T00:00:00.000Z)
 * ```
 *
 * @since 0.2.0
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

const units: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

const spanPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/
const partPattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g

/**
 * What a span is written as, for messages and help.
 *
 * @since 0.2.0
 * @category constants
 */
export const spanHelp = "a span such as 30s, 15m, 2h, 7d, 1w or 1h30m"

/**
 * Reads a span: numbers each followed by a unit (`ms`, `s`, `m`, `h`, `d`, `w`), summed, as in
 * `90s`, `2h`, `1h30m`. Fails with a message that says what was expected.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseSpan = (text: string): Either.Either<Duration.Duration, string> => {
  const trimmed = text.trim().toLowerCase()
  if (!spanPattern.test(trimmed)) return Either.left(`expected ${spanHelp}, got "${text}"`)
  let ms = 0
  for (const [, amount, unit] of trimmed.matchAll(partPattern)) ms += Number(amount) * units[unit!]!
  return Either.right(Duration.millis(ms))
}

// RFC 3339: a date, a time and an offset (or Z); a bare date counts as its midnight UTC.
const rfc3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/

/**
 * Reads a time: RFC 3339 (`2026-01-31T12:00:00Z`, or a date alone, as its midnight UTC), or a
 * span back from `now` (`2h` is two hours ago). A time without its offset is refused rather
 * than read in the local zone, which would mean another instant on another machine.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseTime = (text: string, now: Date): Either.Either<Date, string> => {
  const trimmed = text.trim()
  if (rfc3339.test(trimmed)) {
    const date = new Date(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed.replace(" ", "T"))
    return Number.isNaN(date.getTime())
      ? Either.left(`"${text}" is not a valid time`)
      : Either.right(date)
  }
  return Either.match(parseSpan(trimmed), {
    onLeft: () =>
      Either.left(
        `expected an RFC 3339 time (2026-01-31T12:00:00Z) or ${spanHelp} (that long ago), got "${text}"`
      ),
    onRight: (span) => Either.right(new Date(now.getTime() - Duration.toMillis(span)))
  })
}

/**
 * A duration as a person reads it: `850 ms`, `4.2 s`, `3m05s`, `2h10m`.
 *
 * @since 0.2.0
 * @category formatting
 */
export const format = (ms: number): string => {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`
  const seconds = Math.round(ms / 1_000)
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 1_440) return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`
  return `${Math.floor(minutes / 1_440)}d${String(Math.floor((minutes % 1_440) / 60)).padStart(2, "0")}h`
}
