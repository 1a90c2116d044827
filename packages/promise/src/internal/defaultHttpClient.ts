/**
 * The transport when the caller passes no `fetch`, off Node: the global `fetch`. On Node,
 * the package's `imports` map `#defaultHttpClient` to `defaultHttpClientNode.ts` instead.
 * Bun and Deno take this one although their resolvers match `node` too: Bun's built-in
 * `undici` is a stand-in whose `Agent` has no `request`, and undici reads `process.env` on
 * each request, which Deno refuses without `--allow-env` (compat/ measured every call
 * failing on both). Their own `fetch` is native.
 */
import * as FetchHttpClient from "./fetchHttpClient.js"

export const layer = FetchHttpClient.layer()
