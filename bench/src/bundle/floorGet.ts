// The floor of an Effect client: FetchHttpClient and the contract's Run schema by hand, one get.
import { Run } from "@airplane-runs/contract"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect } from "effect"

const program = Effect.flatMap(
  HttpClient.HttpClient,
  (client) =>
    client.get(`${process.env.AIRPLANE_API_HOST}/v0/runs/get`, { urlParams: { id: process.env.RUN_ID ?? "" } }).pipe(
      Effect.flatMap(HttpClientResponse.schemaBodyJson(Run.Run))
    )
).pipe(Effect.provide(FetchHttpClient.layer))
console.log((await Effect.runPromise(program)).id)
