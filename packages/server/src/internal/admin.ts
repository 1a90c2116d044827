/**
 * The admin routes, beside the API under `/_admin` (no API key): what a test or a developer
 * with curl uses to script faults, read the request log and move a manual clock.
 */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Faults from "../Faults.js"
import type * as RequestLog from "../RequestLog.js"
import * as Answers from "./answers.js"

export interface Options {
  readonly faults: Faults.Service
  readonly log: RequestLog.Service
  /** Moves the store's manual clock; absent when the server runs on a real clock. */
  readonly advance: ((ms: number) => number) | undefined
}

const badRequest = (error: string) => Answers.error(400, error)

const clearing = (clear: () => void) =>
  Effect.sync(() => {
    clear()
    return HttpServerResponse.empty({ status: 204 })
  })

const FaultsBody = Schema.Union(Faults.FaultSpec, Schema.Array(Faults.FaultSpec))
const AdvanceBody = Schema.Struct({ ms: Schema.Number.pipe(Schema.nonNegative()) })

const readJson = <A, I>(schema: Schema.Schema<A, I>) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.json.pipe(
      Effect.mapError(() => "the body is not JSON"),
      Effect.flatMap((json) =>
        Schema.decodeUnknown(schema)(json).pipe(Effect.mapError((error) => `invalid body: ${error.message}`))
      )
    ))

export const layer = (options: Options) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      yield* router.get(
        "/_admin/requests",
        Effect.sync(() => HttpServerResponse.unsafeJson({ requests: options.log.entries() }))
      )
      yield* router.del("/_admin/requests", clearing(options.log.clear))
      yield* router.get(
        "/_admin/faults",
        Effect.sync(() => HttpServerResponse.unsafeJson({ faults: options.faults.list() }))
      )
      yield* router.post(
        "/_admin/faults",
        readJson(FaultsBody).pipe(
          Effect.map((body) => {
            const added = (Array.isArray(body) ? body : [body]).map(options.faults.add)
            return HttpServerResponse.unsafeJson({ faults: added }, { status: 201 })
          }),
          Effect.catchAll((error) => Effect.succeed(badRequest(error)))
        )
      )
      yield* router.del("/_admin/faults", clearing(options.faults.clear))
      yield* router.post(
        "/_admin/clock/advance",
        readJson(AdvanceBody).pipe(
          Effect.map(({ ms }) =>
            options.advance === undefined
              ? Answers.error(409, "the server runs on the real clock: start it with the manual clock to move time")
              : HttpServerResponse.unsafeJson({ now: new Date(options.advance(ms)).toISOString() })
          ),
          Effect.catchAll((error) => Effect.succeed(badRequest(error)))
        )
      )
    })
  )
