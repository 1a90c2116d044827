// The bundle of an Effect program using core's `Runs` with FetchHttpClient, one `get`.
import { Runs } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { Effect } from "effect"

const program = Effect.flatMap(Runs.Runs, (runs) => runs.get({ id: process.env.RUN_ID ?? "" })).pipe(
  Effect.provide(Runs.layerConfig()),
  Effect.provide(FetchHttpClient.layer)
)
console.log((await Effect.runPromise(program)).id)
