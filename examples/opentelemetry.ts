/**
 * opentelemetry: the client's spans, exported through OpenTelemetry.
 *
 * Every operation of the Runs client is a span (`Runs.get`, `Runs.listPage`, `Runs.execute`,
 * `Runs.cancel`...) carrying the run id, task and page it is about, with the platform's HTTP
 * client span of each request beneath it. Here @effect/opentelemetry's NodeSdk sends them to
 * an in-memory exporter (a real program would give it an OTLP exporter instead); the example
 * makes a few calls and prints the tree of spans that was exported. The API key goes out on
 * every request, and no span holds it: its header shows as `<redacted>`.
 *
 *   pnpm demo opentelemetry
 */
import { Runs, type RunsError } from "@airplane-runs/core"
import { NodeSdk } from "@effect/opentelemetry"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Chunk, Console, Context, Effect, Layer, Stream } from "effect"
import { ExampleTarget, layer, layerRuns } from "./shared/Target.js"

const taskSlug = "send_invoice"

/** A span as the exporter got it: the fields an exporter sends, as plain data. */
export interface ExportedSpan {
  readonly name: string
  readonly kind: number
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly startTime: ReadableSpan["startTime"]
  readonly endTime: ReadableSpan["endTime"]
  readonly attributes: ReadableSpan["attributes"]
  readonly events: ReadableSpan["events"]
  readonly links: ReadableSpan["links"]
  readonly status: ReadableSpan["status"]
  readonly resource: ReadableSpan["resource"]["attributes"]
  readonly scope: ReadableSpan["instrumentationScope"]
}

/** What the program did, for the reader and for the example's test. */
export interface Traced {
  readonly runID: string
  readonly fetched: string
  readonly listed: number
  readonly spans: ReadonlyArray<ExportedSpan>
}

/** The exporter the spans of the example end up in. */
export class Exported extends Context.Tag("@airplane-runs/examples/opentelemetry/Exported")<
  Exported,
  InMemorySpanExporter
>() {}

/**
 * OpenTelemetry's Node SDK as the tracer of the Effect program, every span sent as soon as it
 * ends (SimpleSpanProcessor) to a fresh in-memory exporter.
 */
export const layerTracing: Layer.Layer<Exported> = Layer.unwrapEffect(Effect.sync(() => {
  const exporter = new InMemorySpanExporter()
  return Layer.merge(
    Layer.succeed(Exported, exporter),
    NodeSdk.layer(() => ({
      resource: { serviceName: "airplane-runs-examples" },
      spanProcessor: new SimpleSpanProcessor(exporter)
    }))
  )
}))

const exported = (span: ReadableSpan): ExportedSpan => ({
  name: span.name,
  kind: span.kind,
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  parentSpanId: span.parentSpanContext?.spanId,
  startTime: span.startTime,
  endTime: span.endTime,
  attributes: span.attributes,
  events: span.events,
  links: span.links,
  status: span.status,
  resource: span.resource.attributes,
  scope: span.instrumentationScope
})

// What a line of the tree shows of a span: the client's own attributes, and of an HTTP span
// the request, its answer and the key's header as the span holds it.
const shownAttributes = [
  "airplane.run.id",
  "airplane.task.slug",
  "airplane.task.id",
  "airplane.page",
  "http.request.method",
  "url.path",
  "url.query",
  "http.response.status_code",
  "http.request.header.x-airplane-api-key"
]

const summary = (span: ExportedSpan) =>
  [
    span.name,
    ...shownAttributes.flatMap((name) => {
      const value = span.attributes[name]
      return value === undefined ? [] : [`${name.replace(/^http\.request\.header\./, "")}=${String(value)}`]
    })
  ].join("  ")

/** The spans as an indented tree, children in the order they started. */
const tree = (spans: ReadonlyArray<ExportedSpan>): Array<string> => {
  const ids = new Set(spans.map((span) => span.spanId))
  const byStart = [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
  const lines: Array<string> = []
  const walk = (span: ExportedSpan, prefix: string, branch: string) => {
    lines.push(`${prefix}${branch}${summary(span)}`)
    const below = byStart.filter((child) => child.parentSpanId === span.spanId)
    const next = prefix + (branch === "" ? "" : branch === "└─ " ? "   " : "│  ")
    below.forEach((child, i) => walk(child, next, i === below.length - 1 ? "└─ " : "├─ "))
  }
  for (const root of byStart) {
    if (root.parentSpanId === undefined || !ids.has(root.parentSpanId)) walk(root, "", "")
  }
  return lines
}

export const program = Effect.gen(function*() {
  const runs = yield* Runs.Runs
  const target = yield* ExampleTarget
  const exporter = yield* Exported
  yield* Console.log(`Calls go to ${target.description}.`)

  const done = yield* Effect.gen(function*() {
    const latest = yield* runs.listPage({ taskSlug, limit: 3 })
    const fetched = yield* runs.get({ id: latest.runs[0]!.id! })
    // Two pages of three, read as one stream of runs; no page fetched ahead, so the tree shows
    // just those two.
    const listed = yield* runs.list({ taskSlug, limit: 3 }, { prefetch: 0 }).pipe(Stream.take(6), Stream.runCollect)
    const runID = yield* runs.execute({ slug: taskSlug, paramValues: { customer: "acme", amount: 42 } })
    yield* runs.cancel({ runID })
    return { runID, fetched: fetched.id!, listed: Chunk.size(listed) }
  }).pipe(Effect.withSpan("opentelemetry example"))

  // The spans were exported as each ended; the root has ended with the block above.
  const spans = exporter.getFinishedSpans().map(exported)
  yield* Console.log(`Exported ${spans.length} spans:\n`)
  for (const line of tree(spans)) yield* Console.log(`  ${line}`)
  return { ...done, spans }
})

/** The seeded data set of the embedded server: 200 runs over the 30 days up to its start. */
export const seed = { runs: 200 } as const

/** Runs the program against the example's target, the embedded server unless configured. */
export const main: Effect.Effect<Traced, RunsError.RunsError> = program.pipe(
  // Only the client is traced: the tracer is provided inside the target, so an embedded
  // server in this process adds no spans of its own to the tree.
  Effect.provide(layerTracing),
  Effect.provide(layerRuns(layer({ seed })))
)
