/**
 * `Idempotency-Key` on POSTs, as the API keeps it: the first 2xx answer for a key (per API key
 * and path) is kept an hour and replayed; a request whose key is still being answered gets a
 * retryable 409. A stage of the gateway: `claim` decides from the request, `answer` picks what
 * answers under the claim, and `settle` keeps or releases the key once the answer is known.
 */
import type { HttpApp, HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import * as Answers from "./answers.js"
import * as ApiHeaders from "./headers.js"

interface Stored {
  readonly status: number
  readonly contentType: string
  readonly bytes: Uint8Array
  readonly expiresAt: number
}

/** What a request's key says about it. */
export type Claim =
  /** Not a POST with a key: nothing to keep. */
  | { readonly _tag: "None" }
  /** Another request with this key is being answered. */
  | { readonly _tag: "InFlight"; readonly key: string }
  /** This key was answered: the kept answer is replayed. */
  | { readonly _tag: "Replay"; readonly key: string; readonly stored: Stored }
  /** The key is this request's until its answer is known. */
  | { readonly _tag: "Claimed"; readonly key: string; readonly scope: string; readonly at: number }

/** The claim of a request the API does not answer (a fault answers, or its body is not JSON). */
export const none: Claim = { _tag: "None" }

const ttlMs = 60 * 60 * 1000
// Expired keys go when the map grows, so a long run with fresh keys stays bounded.
const sweepAt = 1_000

const echo = (key: string) => ({ [ApiHeaders.idempotencyKey]: key })

export const make = (now: () => number) => {
  const keys = new Map<string, Stored | "inFlight">()
  const sweep = (time: number) => {
    for (const [scope, entry] of keys) {
      if (entry !== "inFlight" && entry.expiresAt <= time) keys.delete(scope)
    }
  }

  /** Reads the request's key, and holds it "in flight" when the request is the one to answer it. */
  const claim = (request: HttpServerRequest.HttpServerRequest, path: string): Claim => {
    const key = request.headers[ApiHeaders.idempotencyKey]
    if (request.method !== "POST" || key === undefined || key === "") return none
    const scope = `${request.headers[ApiHeaders.apiKey] ?? ""}\u0000${path}\u0000${key}`
    const at = now()
    const entry = keys.get(scope)
    if (entry === "inFlight") return { _tag: "InFlight", key }
    if (entry !== undefined && entry.expiresAt > at) return { _tag: "Replay", key, stored: entry }
    if (keys.size >= sweepAt) sweep(at)
    keys.set(scope, "inFlight")
    return { _tag: "Claimed", key, scope, at }
  }

  /** What answers a request under its claim: the 409, the kept answer, or the API. */
  const answer = <E, R>(
    claim: Claim,
    app: HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R>
  ): HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R> => {
    switch (claim._tag) {
      case "InFlight":
        // Passing: once the first request is done, the same key gets its answer. A client whose
        // attempt timed out meets its own first attempt here, and must not give up on a 409.
        return Effect.succeed(
          Answers.error(409, "another request with this Idempotency-Key is in progress", "idempotency_conflict", {
            ...echo(claim.key),
            [ApiHeaders.retryable]: "true"
          })
        )
      case "Replay":
        return Effect.succeed(
          HttpServerResponse.uint8Array(claim.stored.bytes, {
            status: claim.stored.status,
            contentType: claim.stored.contentType,
            headers: { ...echo(claim.key), "idempotent-replayed": "true" }
          })
        )
      case "None":
      case "Claimed":
        return app
    }
  }

  /**
   * Keeps a claimed key's 2xx answer and echoes the key on it; releases the key on any other
   * answer, and when `answered` fails or is interrupted (a client that went away during the
   * delay), so that no key stays "in flight".
   */
  const settle = <E, R>(
    claim: Claim,
    answered: Effect.Effect<HttpServerResponse.HttpServerResponse | null, E, R>
  ): Effect.Effect<HttpServerResponse.HttpServerResponse | null, E, R> => {
    if (claim._tag !== "Claimed") return answered
    return answered.pipe(
      Effect.map((response) => {
        if (response !== null && response.status >= 200 && response.status < 300) {
          keys.set(claim.scope, {
            status: response.status,
            contentType: Answers.contentType(response),
            bytes: Answers.bytes(response),
            expiresAt: claim.at + ttlMs
          })
        } else {
          keys.delete(claim.scope)
        }
        return response === null ? null : HttpServerResponse.setHeaders(response, echo(claim.key))
      }),
      Effect.onExit((exit) => exit._tag === "Failure" ? Effect.sync(() => keys.delete(claim.scope)) : Effect.void)
    )
  }

  return { claim, answer, settle }
}
