/**
 * Figure 2, pagination wall time: every page of a 100-page list (4,990 runs, 50 a page, the
 * last one short) with 20 ms of server latency per answer. A sequential loop, page after
 * page, as SDKs without prefetch auto-paginate (here with openapi-fetch, the peer), against
 * core's `list` with prefetch 1, 4 and 8 (and 0, the same loop inside core). The order of
 * the runs must be identical in every walk, or the figure is void.
 */
import { Runs } from "@airplane-runs/core"
import { NodeHttpClient } from "@effect/platform-node"
import { Chunk, Effect, Layer, ManagedRuntime, Stream } from "effect"
import createClient from "openapi-fetch"
import type { paths } from "./generated/airplane-openapi.js"
import { type ServerInfo, startServer } from "./server.js"
import { median, round } from "./stats.js"

export const pages = 100
export const latencyMs = 20
const limit = 50
const runs = (pages - 1) * limit + 40

export interface PaginationResult {
  readonly sequentialMs: number
  readonly prefetch0Ms: number
  readonly prefetch1Ms: number
  readonly prefetch4Ms: number
  readonly prefetch8Ms: number
  readonly pages: number
  readonly runs: number
  readonly latencyMs: number
  readonly sameOrder: boolean
}

const sequential = async (server: ServerInfo): Promise<ReadonlyArray<string>> => {
  const client = createClient<paths>({ baseUrl: server.apiUrl, headers: { "x-airplane-api-key": server.apiKey } })
  const ids: Array<string> = []
  for (let page = 0;; page++) {
    const { data, error } = await client.GET("/runs/list", { params: { query: { limit, page } } })
    if (data?.runs === undefined) throw new Error(`bench: list page ${page} failed: ${JSON.stringify(error)}`)
    for (const run of data.runs) ids.push(run.id!)
    if (data.runs.length < limit) return ids
  }
}

const timed = async <A>(f: () => Promise<A>): Promise<{ readonly ms: number; readonly value: A }> => {
  const start = performance.now()
  const value = await f()
  return { ms: performance.now() - start, value }
}

export const measurePagination = async (
  rounds: number,
  warmWalk: boolean,
  log: (line: string) => void
): Promise<PaginationResult> => {
  const server = await startServer({ runs, latencyMs })
  const runtime = ManagedRuntime.make(
    Runs.layer({ apiKey: server.apiKey, host: server.url }).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.orDie)
  )
  const walk = (prefetch: number) => () =>
    runtime.runPromise(Effect.flatMap(Runs.Runs, (client) =>
      client.list({ limit }, { prefetch }).pipe(
        Stream.map((run) => run.id!),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )))
  const walks = {
    sequentialMs: () => sequential(server),
    prefetch0Ms: walk(0),
    prefetch1Ms: walk(1),
    prefetch4Ms: walk(4),
    prefetch8Ms: walk(8)
  }
  try {
    const samples: Record<string, Array<number>> = {}
    let reference: ReadonlyArray<string> | undefined
    let sameOrder = true
    // One walk of each first, untimed: connections and code warm.
    if (warmWalk) { for (const f of Object.values(walks)) await f() }
    for (let r = 0; r < rounds; r++) {
      for (const [name, f] of Object.entries(walks)) {
        const { ms, value } = await timed(f)
        ;(samples[name] ??= []).push(ms)
        reference ??= value
        sameOrder &&= value.length === runs && value.every((id, i) => id === reference![i])
      }
    }
    const ms = (name: keyof typeof walks) => round(median(samples[name]))
    const result: PaginationResult = {
      sequentialMs: ms("sequentialMs"),
      prefetch0Ms: ms("prefetch0Ms"),
      prefetch1Ms: ms("prefetch1Ms"),
      prefetch4Ms: ms("prefetch4Ms"),
      prefetch8Ms: ms("prefetch8Ms"),
      pages,
      runs,
      latencyMs,
      sameOrder
    }
    log(
      `  sequential ${result.sequentialMs} ms, prefetch 0/1/4/8: ${result.prefetch0Ms}/${result.prefetch1Ms}/${result.prefetch4Ms}/${result.prefetch8Ms} ms, same order: ${sameOrder}`
    )
    return result
  } finally {
    await runtime.dispose()
    await server.stop()
  }
}
