// HttpApiClient derived from the contract's RunsApi, one get: what core would carry on top of the floor.
// Imported module by module, as a program that minds its size does: esbuild keeps the whole of
// every namespace a barrel (`import { Effect } from "effect"`) hands it.
import * as Ids from "@airplane-runs/contract/Ids"
import * as RunsApi from "@airplane-runs/contract/RunsApi"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as Effect from "effect/Effect"

const program = Effect.flatMap(
  HttpApiClient.make(RunsApi.RunsApi, { baseUrl: process.env.AIRPLANE_API_HOST ?? "" }),
  (client) => client.runs.get({ urlParams: { id: Ids.RunId.make(process.env.RUN_ID ?? "") } })
).pipe(Effect.provide(FetchHttpClient.layer))
console.log((await Effect.runPromise(program)).id)
