/**
 * Streams the first `argv[2]` runs of the list through core's `list` and counts them, keeping
 * none; prints the count and the process's peak RSS. AIRPLANE_API_KEY and AIRPLANE_API_HOST
 * say where.
 */
import { Runs } from "@airplane-runs/core"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Stream } from "effect"

const wanted = Number(process.argv[2])
const program = Effect.flatMap(Runs.Runs, (runs) => Stream.runCount(Stream.take(runs.list({ limit: 50 }), wanted)))
  .pipe(
    Effect.provide(Runs.layerConfig()),
    Effect.provide(NodeHttpClient.layerUndici)
  )
const count = await Effect.runPromise(program)
process.stdout.write(`${JSON.stringify({ count, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
