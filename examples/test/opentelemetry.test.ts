import { assert, describe, it, vi } from "@effect/vitest"
import { SpanKind } from "@opentelemetry/api"
import { Effect } from "effect"
import { type ExportedSpan, layerTracing, program, seed } from "../opentelemetry.js"
import { ExampleTarget, layerEmbedded, layerRuns } from "../shared/Target.js"

// A key of this run alone, so finding it anywhere in the spans can only mean a leak.
const apiKey = `tkn_otel_${crypto.randomUUID()}`

const operations = {
  "Runs.get": { method: "GET", path: "/v0/runs/get" },
  "Runs.listPage": { method: "GET", path: "/v0/runs/list" },
  "Runs.execute": { method: "POST", path: "/v0/tasks/execute" },
  "Runs.cancel": { method: "POST", path: "/v0/runs/cancel" }
} as const

describe("opentelemetry", () => {
  it.live("exports a span per operation with its HTTP client span below it, and never the key", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const result = yield* Effect.ensuring(program, Effect.sync(() => printed.mockRestore()))
      const { server } = yield* ExampleTarget
      const spans = result.spans
      const named = (name: string) => spans.filter((span) => span.name === name)
      const childrenOf = (span: ExportedSpan) => spans.filter((child) => child.parentSpanId === span.spanId)

      const [root] = named("opentelemetry example")
      assert.isDefined(root)
      assert.isTrue(spans.every((span) => span.traceId === root!.traceId), "one trace")

      const get = named("Runs.get")
      assert.strictEqual(get.length, 1)
      assert.strictEqual(get[0]!.attributes["airplane.run.id"], result.fetched)

      // The first listPage call, then the stream's two pages.
      const pages = named("Runs.listPage")
      assert.deepStrictEqual(pages.map((span) => span.attributes["airplane.page"]), [0, 0, 1])
      for (const page of pages) assert.strictEqual(page.attributes["airplane.task.slug"], "send_invoice")
      assert.strictEqual(result.listed, 6)

      const [execute] = named("Runs.execute")
      assert.strictEqual(execute?.attributes["airplane.task.slug"], "send_invoice")
      assert.strictEqual(execute?.attributes["airplane.run.id"], result.runID)
      const [cancel] = named("Runs.cancel")
      assert.strictEqual(cancel?.attributes["airplane.run.id"], result.runID)

      const logged = server!.requestLog.entries()
      const httpSpans: Array<ExportedSpan> = []
      for (const [name, { method, path }] of Object.entries(operations)) {
        for (const operation of named(name)) {
          assert.strictEqual(operation.kind, SpanKind.CLIENT, name)
          assert.strictEqual(operation.parentSpanId, root!.spanId, name)
          // The platform's HTTP client span is the operation's child, one per attempt.
          const [http, ...more] = childrenOf(operation)
          assert.deepStrictEqual(more, [], name)
          assert.strictEqual(http?.name, `http.client ${method}`)
          assert.strictEqual(http?.kind, SpanKind.CLIENT)
          assert.strictEqual(http?.attributes["url.path"], path)
          assert.strictEqual(http?.attributes["http.response.status_code"], 200)
          assert.strictEqual(http?.attributes["http.request.header.x-airplane-api-key"], "<redacted>")
          httpSpans.push(http!)
        }
      }
      assert.strictEqual(httpSpans.length, 6)
      // Each request reached the server with the key (it accepts this key only) and carried
      // its HTTP span's context.
      assert.strictEqual(logged.length, httpSpans.length)
      for (const http of httpSpans) {
        const entry = logged.find((e) => e.headers["traceparent"] === `00-${http.traceId}-${http.spanId}-01`)
        assert.isDefined(entry, `no request carried the context of ${http.name} ${http.attributes["url.full"]}`)
        assert.strictEqual(entry!.status, 200)
        assert.strictEqual(entry!.headers["x-airplane-api-key"], "[redacted]")
      }

      // No attribute, event, link, status, resource or scope of any span holds the key.
      assert.isTrue(spans.length >= 13)
      for (const span of spans) assert.notInclude(JSON.stringify(span), apiKey, span.name)
      assert.notInclude(lines.join("\n"), apiKey)

      assert.include(lines[0], "the embedded server")
      assert.include(lines.join("\n"), `├─ Runs.get  airplane.run.id=${result.fetched}`)
      assert.include(lines.join("\n"), "x-airplane-api-key=<redacted>")
    }).pipe(
      Effect.provide(layerTracing),
      Effect.provide(layerRuns(layerEmbedded({ seed, apiKeys: [apiKey] })))
    ))
})
