/**
 * What the core tests expect to see on the wire, written out rather than read from the
 * contract, so a change of the contract's paths shows up as a failing test.
 */

/** The path of each operation, as the server logs it. */
export const paths = {
  get: "/v0/runs/get",
  getOutputs: "/v0/runs/getOutputs",
  list: "/v0/runs/list",
  cancel: "/v0/runs/cancel",
  execute: "/v0/tasks/execute"
} as const

/** The shape of an Idempotency-Key the client makes up: a UUID. */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
