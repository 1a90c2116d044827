/**
 * The API key, kept out of everything but the one header it goes in: the platform's spans
 * and logs (by name, and by value in the answer's headers), and the errors built from answers
 * that quote it back.
 */
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as RunsError from "../RunsError.js"
import { rebuild } from "./errors.js"

const apiKeyHeaderName = Endpoints.apiKeyHeader.toLowerCase()

const clear = (text: string, key: string) => text.split(key).join("<redacted>")

/** The header names the platform's spans and logs redact, the key's among them. */
export const redactKeyHeader = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(apiKeyHeaderName) ? names : [...names, apiKeyHeaderName]

/**
 * The answer with every header value that holds the key cleared of it. The platform's
 * `http.client` span lists the answer's headers, redacted by name only: a server or proxy that
 * echoes the key under another name (`x-debug`) would put it in the span.
 */
const scrubHeaders = (response: HttpClientResponse.HttpClientResponse, key: string) => {
  let scrubbed: Record<string, string> | undefined
  for (const [name, value] of Object.entries(response.headers)) {
    if (value.includes(key)) (scrubbed ??= { ...response.headers })[name] = clear(value, key)
  }
  if (scrubbed === undefined) return response
  const headers = Headers.fromInput(scrubbed)
  return new Proxy(response, {
    get: (target, property) => {
      if (property === "headers") return headers
      const value = Reflect.get(target, property, target)
      return typeof value === "function" ? value.bind(target) : value
    }
  })
}

/**
 * The caller's client under a layer that clears the key from the answers' headers before the
 * platform's span records them. The span is the platform's own (made around this layer, with
 * trace propagation); the caller's client runs untraced inside it, so there is one
 * `http.client` span per attempt, not two.
 */
export const guardKey = (client: HttpClient.HttpClient, apiKey: Redacted.Redacted<string>): HttpClient.HttpClient => {
  const key = Redacted.value(apiKey)
  const untraced = Effect.locally(HttpClient.currentTracerDisabledWhen, () => true)
  return HttpClient.make((request) =>
    Effect.map(untraced(client.execute(request)), (response) => scrubHeaders(response, key))
  )
}

/**
 * An answer may quote the key back (in its error text, a request id, a body that is not
 * JSON, a schema path): whatever an error took from the answer is cleared of it, so no error
 * holds the key.
 */
export const withoutKey = (apiKey: Redacted.Redacted<string>) => {
  const key = Redacted.value(apiKey)
  return <E extends RunsError.RunsError>(error: E): E => {
    const changes: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(error)) {
      if (typeof value === "string" && value.includes(key)) {
        changes[name] = clear(value, key)
      } else if (Array.isArray(value) && value.some((item) => typeof item === "string" && item.includes(key))) {
        changes[name] = value.map((item) => (typeof item === "string" ? clear(item, key) : item))
      }
    }
    return Object.keys(changes).length === 0 ? error : rebuild(error, changes)
  }
}
