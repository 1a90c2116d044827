/**
 * What the embedded server was sent and what it answered, so a test can count attempts and
 * see exactly what a client sent (with the API key redacted).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as ApiHeaders from "./internal/headers.js"

/**
 * One request, as the server saw it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  /** 1 for the first request the server saw, 2 for the next... */
  readonly seq: number
  /** When it arrived, on the server's clock (ISO 8601). */
  readonly at: string
  readonly method: string
  /** The path, without the query. */
  readonly path: string
  /** The query, decoded; a key sent twice keeps its last value. */
  readonly query: { readonly [key: string]: string }
  /** The headers, lower-cased, with the API key's value replaced by `[redacted]`. */
  readonly headers: { readonly [key: string]: string }
  /** The body as sent, for requests that have one. */
  readonly body: string | null
  /** The status answered, or `null` when the connection was closed without an answer. */
  readonly status: number | null
  /** The scripted fault that answered instead of the API, if one did. */
  readonly fault: string | null
  /** Whether an `Idempotency-Key` replay answered. */
  readonly replayed: boolean
  /**
   * The `X-Request-Id` the answer carried, as a client's errors and raw answers report it;
   * `null` when the connection was closed without an answer.
   *
   * @since 0.2.0
   */
  readonly requestId: string | null
}

/**
 * The request log.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly record: (entry: Omit<Entry, "seq">) => Entry
  /** Every entry since the last clear, oldest first. */
  readonly entries: () => ReadonlyArray<Entry>
  readonly clear: () => void
}

/**
 * The request log of the embedded server.
 *
 * @since 0.1.0
 * @category tags
 */
export class RequestLog extends Context.Tag("@airplane-runs/server/RequestLog")<RequestLog, Service>() {}

/**
 * The headers whose values never reach the log.
 *
 * @since 0.1.0
 * @category constants
 */
export const redactedHeaders: ReadonlySet<string> = new Set([ApiHeaders.apiKey, "authorization", "x-airplane-token"])

/**
 * Copies headers for the log, redacting secrets.
 *
 * @since 0.1.0
 * @category utils
 */
export const redact = (headers: { readonly [key: string]: string }): { readonly [key: string]: string } => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers)) {
    out[key] = redactedHeaders.has(key.toLowerCase()) ? "[redacted]" : value
  }
  return out
}

/**
 * Makes a request log that keeps at most `capacity` entries (the oldest go first), so a long
 * load test cannot grow the server's memory without bound.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: { readonly capacity?: number | undefined } = {}): Effect.Effect<Service> =>
  Effect.sync(() => {
    const capacity = options.capacity ?? 10_000
    let entries: Array<Entry> = []
    let seq = 0
    return {
      record: (fields) => {
        const entry: Entry = { seq: ++seq, ...fields }
        entries.push(entry)
        if (entries.length > capacity) entries = entries.slice(entries.length - capacity)
        return entry
      },
      entries: () => entries.slice(),
      clear: () => {
        entries = []
      }
    }
  })

/**
 * A layer of the request log.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Parameters<typeof make>[0]): Layer.Layer<RequestLog> =>
  Layer.effect(RequestLog, make(options))
