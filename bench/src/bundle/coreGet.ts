// The bundle of an Effect program using core's `Runs` with FetchHttpClient, one `get`.
// Imported module by module, as a program that minds its size does: esbuild keeps the whole of
// every namespace a barrel (`import { Effect } from "effect"`) hands it.
import * as Runs from "@airplane-runs/core/Runs"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"

const program = Effect.flatMap(Runs.Runs, (runs) => runs.get({ id: process.env.RUN_ID ?? "" })).pipe(
  Effect.provide(Runs.layerConfig()),
  Effect.provide(FetchHttpClient.layer)
)
console.log((await Effect.runPromise(program)).id)
