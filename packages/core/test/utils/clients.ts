/**
 * The HTTP clients a core test runs its calls over, by name: the ones users are expected to
 * provide, whose redirects, bodies and headers differ in ways the client must not show.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import type { Layer } from "effect"

/** fetch and undici, each with the name a test title gives it. */
export const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici]
]
