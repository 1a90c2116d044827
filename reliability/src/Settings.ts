/**
 * How hard the suite pushes: `RELIABILITY_FULL=1` gives the full counts of the issue, set by
 * `pnpm reliability` and by `pnpm test:all` (the project slow:reliability in vitest.config.ts).
 * `pnpm test` runs the secrets watch alone, with reduced counts, to stay in its 2-minute budget
 * (reliability/vitest.config.ts).
 */

/** Whether this is the full run. */
export const full = process.env.RELIABILITY_FULL === "1"

/** A count: `ci` under `pnpm test`, `all` under `pnpm reliability`. */
export const count = (ci: number, all: number): number => (full ? all : ci)

/** The time a heavy test may take: the shared 30 s bound in CI, more for the full counts. */
export const heavyTimeoutMs = count(30_000, 300_000)

/**
 * The API key of every server and client of the suite: distinctive, so a leak of it anywhere
 * (an error, a log line, a span) is found by a plain search.
 */
export const secretKey = "tkn_reliability_SECRET_5e1f0c9a7d"

/**
 * How far two readings of time in one process may disagree: the server stamps arrivals with
 * `Date.now()`, timers count on the event loop's monotonic clock, both in whole milliseconds.
 */
export const clockGranularityMs = 1

/** A day, in milliseconds. */
export const day = 86_400_000
