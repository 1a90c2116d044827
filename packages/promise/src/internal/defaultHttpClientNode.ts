/**
 * The transport when the caller passes no `fetch`, on Node: `undici.request`, which costs
 * far less CPU per call than `fetch`.
 */
export { layer } from "./undiciHttpClient.js"
