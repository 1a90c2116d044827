// The floor of an Effect client: FetchHttpClient and the contract's Run schema by hand, one get.
// Imported module by module, as a program that minds its size does: esbuild keeps the whole of
// every namespace a barrel (`import { Effect } from "effect"`) hands it.
import * as Run from "@airplane-runs/contract/Run"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"

const program = Effect.flatMap(
  HttpClient.HttpClient,
  (client) =>
    client.get(`${process.env.AIRPLANE_API_HOST}/v0/runs/get`, { urlParams: { id: process.env.RUN_ID ?? "" } }).pipe(
      Effect.flatMap(HttpClientResponse.schemaBodyJson(Run.Run))
    )
).pipe(Effect.provide(FetchHttpClient.layer))
console.log((await Effect.runPromise(program)).id)
