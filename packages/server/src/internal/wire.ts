/**
 * How the server writes a run: the contract's encoding, its timestamps in RFC 3339 or, as the
 * API's own examples show them, in Postgres text (`2022-01-11 22:32:45.601486+00`).
 */
import { Run } from "@airplane-runs/contract"
import { Schema } from "effect"
import type { TimestampFormat } from "../RunStore.js"

const encode = Schema.encodeSync(Run.Run)

const timestampFields = ["createdAt", "activeAt", "succeededAt", "failedAt", "cancelledAt"] as const

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/**
 * A time as Postgres writes a `timestamptz` in UTC: a space for the `T`, `+00` for the `Z`,
 * microseconds with their trailing zeros dropped (`.78416`, and none at all on a whole second).
 * The store keeps milliseconds; the three digits below them come from the time itself, so a
 * run always reads the same, and a client that keeps milliseconds reads back the stored time.
 */
export const postgresText = (date: Date): string => {
  const ms = date.getUTCMilliseconds()
  const micros = ms * 1000 + (ms * 37) % 1000
  const fraction = micros === 0 ? "" : `.${pad(micros, 6).replace(/0+$/, "")}`
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${
    pad(date.getUTCHours())
  }:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}+00`
}

/** A run as the API answers it, its timestamps in `format`. */
export const encodeRun = (run: Run.Run, format: TimestampFormat): Run.RunEncoded => {
  const encoded = encode(run)
  if (format === "rfc3339") return encoded
  const text: { -readonly [K in keyof Run.RunEncoded]: Run.RunEncoded[K] } = { ...encoded }
  for (const field of timestampFields) {
    const date = run[field]
    if (date != null) text[field] = postgresText(date)
  }
  return text
}
