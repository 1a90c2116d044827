/**
 * The transport when the caller passes no `fetch`, off Node: the global `fetch`. On Node,
 * the package's `imports` map `#defaultHttpClient` to `defaultHttpClientNode.ts` instead.
 * Bun takes this one although its resolver matches `node` too: its built-in `undici` is a
 * stand-in whose `Agent` has no `request` (compat/ measured every call failing there).
 */
import * as FetchHttpClient from "./fetchHttpClient.js"

export const layer = FetchHttpClient.layer()
