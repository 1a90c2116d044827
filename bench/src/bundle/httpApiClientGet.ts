// HttpApiClient derived from the contract's RunsApi, one get: what core would carry on top of the floor.
import { Ids, RunsApi } from "@airplane-runs/contract"
import { FetchHttpClient, HttpApiClient } from "@effect/platform"
import { Effect } from "effect"

const program = Effect.flatMap(
  HttpApiClient.make(RunsApi.RunsApi, { baseUrl: process.env.AIRPLANE_API_HOST ?? "" }),
  (client) => client.runs.get({ urlParams: { id: Ids.RunId.make(process.env.RUN_ID ?? "") } })
).pipe(Effect.provide(FetchHttpClient.layer))
console.log((await Effect.runPromise(program)).id)
