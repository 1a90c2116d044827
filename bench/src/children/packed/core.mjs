// Core: `Stream.runCount` of `Runs.list` (default prefetch) over @effect/platform-node's
// undici client. Prints the exit report. AIRPLANE_API_KEY and AIRPLANE_API_HOST say where,
// argv[2] is the page size.
import { Runs } from "@airplane-runs/core"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Stream } from "effect"
import { report } from "./report.mjs"

const limit = Number(process.argv[2])
const count = await Effect.runPromise(
  Effect.flatMap(Runs.Runs, (runs) => Stream.runCount(runs.list({ limit }))).pipe(
    Effect.provide(Runs.layer({ apiKey: process.env.AIRPLANE_API_KEY, host: process.env.AIRPLANE_API_HOST })),
    Effect.provide(NodeHttpClient.layerUndici)
  )
)
report(count)
