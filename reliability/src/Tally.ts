/**
 * The figures of each part of the suite, written where `pnpm reliability` (run.ts) collects
 * them into the summary table.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { watch } from "./Secrets.js"
import { full } from "./Settings.js"

/** One row of the summary table. */
export interface Row {
  /** The part of the issue, e.g. "1 fault matrix". */
  part: string
  /** Cases (calls, walks, properties' runs) tried. */
  tried: number
  /** Cases that succeeded as expected. */
  survived: number
  /** Cases that failed as expected, with the expected typed error. */
  failedAsExpected: number
  /** Cases whose outcome was not the expected one. */
  unexpected: number
  /** Runs that should have been seen, or created, and were not. */
  lost: number
  /** Runs seen or created more than once. */
  duplicated: number
  /** Handles (sockets, timers) left open; `null` where the part does not count them. */
  leaked: number | null
  /** Figures particular to the part: times, attempts. */
  notes: Array<string>
}

/** The results directory, beside `src`. */
export const resultsDir = fileURLToPath(new URL("../build/results/", import.meta.url))

/** A fresh row for a part. */
export const row = (part: string): Row => ({
  part,
  tried: 0,
  survived: 0,
  failedAsExpected: 0,
  unexpected: 0,
  lost: 0,
  duplicated: 0,
  leaked: null,
  notes: []
})

/** Writes a part's row (call it from `afterAll`). */
export const write = (self: Row): void => {
  mkdirSync(resultsDir, { recursive: true })
  const file = `${resultsDir}${self.part.replace(/[^a-z0-9]+/gi, "-")}.json`
  // The secrets watch of the file goes along: the summary adds them up across the suite.
  const secrets = { scanned: watch.scanned, logLines: watch.logLines, spans: watch.spans, leaks: watch.leaks.length }
  writeFileSync(file, JSON.stringify({ ...self, full, secrets }, null, 2))
}
