/**
 * The client every call goes through, built once from the caller's `HttpClient`: the key kept
 * out of spans and logs, every request addressed to the configured origin with the API's
 * headers, redirects never followed, and the caller's own middleware (`transformClient`).
 */
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import { flow } from "effect/Function"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { guardKey, redactKeyHeader } from "./secret.js"
import { definedOnly, type Settings } from "./settings.js"

// fetch follows redirects unless told not to; the key must never reach another origin.
const noRedirects = Effect.provideServiceEffect(
  FetchHttpClient.RequestInit,
  Effect.map(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init): RequestInit => ({ ...Option.getOrElse(init, () => ({})), redirect: "manual" })
  )
)

/**
 * The caller's client, made the API's: requests take a path under the base path (an
 * endpoint's `path`), and leave with the origin, the key and environment headers and
 * `accept: application/json` (set in two steps, not three: each step copies the request).
 */
export const make = (client: HttpClient.HttpClient, settings: Settings): HttpClient.HttpClient => {
  const headers = definedOnly({
    [Endpoints.apiKeyHeader]: Redacted.value(settings.apiKey),
    [Endpoints.envSlugHeader]: settings.envSlug,
    [Endpoints.envIdHeader]: settings.envId,
    accept: "application/json"
  })
  const base = `${settings.origin}${Endpoints.basePath}`
  return guardKey(client, settings.apiKey).pipe(
    HttpClient.mapRequest((request) =>
      HttpClientRequest.prependUrl(HttpClientRequest.setHeaders(request, headers), base)
    ),
    settings.transformClient,
    HttpClient.transformResponse(flow(Effect.locallyWith(Headers.currentRedactedNames, redactKeyHeader), noRedirects))
  )
}
