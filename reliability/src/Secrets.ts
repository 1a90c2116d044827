/**
 * The secrets watch of the whole suite: every error a case ends with, every log line and every
 * span attribute of the Effect programs is rendered every way a program might print it, and
 * searched for the API key's value.
 */
import type { Context, Exit, Option } from "effect"
import { Cause, Effect, Layer, Logger, LogLevel, Tracer } from "effect"
import { inspect } from "node:util"
import { secretKey } from "./Settings.js"

/** What was searched, and where the key was found. */
export const watch = { scanned: 0, logLines: 0, spans: 0, leaks: [] as Array<string> }

/** Every way a value is turned into text: message, stack, `inspect`, JSON, `toString`. */
export const renderings = (value: unknown): ReadonlyArray<string> => {
  const out: Array<string> = [inspect(value, { depth: 8, showHidden: true }), safeJson(value)]
  if (value instanceof Error) {
    out.push(String(value), value.message, value.stack ?? "")
    if (value.cause !== undefined) out.push(...renderings(value.cause))
  }
  if (Cause.isCause(value)) out.push(Cause.pretty(value))
  if (typeof value === "string") out.push(value)
  return out
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? ""
  } catch {
    return ""
  }
}

/** Searches a value for the key; records a leak with where it was found. */
export const scan = (where: string, value: unknown): void => {
  watch.scanned++
  for (const text of renderings(value)) {
    if (text.includes(secretKey)) {
      watch.leaks.push(`${where}: ${text.slice(0, 300)}`)
      return
    }
  }
}

class WatchedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly sampled = true
  readonly traceId = "reliability"
  readonly spanId: string
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.spanId = `span${++watch.spans}`
    this.status = { _tag: "Started", startTime }
    this.links = links.slice()
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    scan(`span ${this.name} attributes`, Object.fromEntries(this.attributes))
    // What an exporter records of the end: the failure, as text. (A success's value is not
    // exported; the platform's own span ends with the response, whose request holds the key.)
    if (exit._tag === "Failure") scan(`span ${this.name} failure`, Cause.pretty(exit.cause))
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    scan(`span ${this.name} event ${name}`, attributes ?? {})
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

const tracer = Tracer.make({
  span: (name, parent, context, links, startTime, kind) =>
    new WatchedSpan(name, parent, context, links, startTime, kind),
  context: (f) => f()
})

const logger = Logger.make<unknown, void>((options) => {
  watch.logLines++
  scan("log line", Logger.logfmtLogger.log(options))
  scan("log line (json)", Logger.jsonLogger.log(options))
})

/**
 * Spans and logs of every level go to the watch, for the programs it is provided to.
 */
export const layer: Layer.Layer<never> = Layer.mergeAll(
  Layer.setTracer(tracer),
  Logger.replace(Logger.defaultLogger, logger),
  Logger.minimumLogLevel(LogLevel.All)
)

/** The watch as an Effect: fails the test that ends with a leak. */
export const assertClean = Effect.suspend(() =>
  watch.leaks.length === 0
    ? Effect.void
    : Effect.dieMessage(`the API key leaked:\n${watch.leaks.join("\n")}`)
)
