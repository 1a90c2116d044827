/**
 * The transport when the caller passes no `fetch`, off Node: the global `fetch`. On Node,
 * the package's `imports` map `#defaultHttpClient` to `defaultHttpClientNode.ts` instead.
 */
import * as FetchHttpClient from "./fetchHttpClient.js"

export const layer = FetchHttpClient.layer()
