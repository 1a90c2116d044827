/**
 * The status of a run, and which statuses are final.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Every status a run can have, in lifecycle order.
 *
 * @since 0.1.0
 * @category constants
 */
export const values = ["NotStarted", "Queued", "Active", "Succeeded", "Failed", "Cancelled"] as const

/**
 * The status of a run: `NotStarted | Queued | Active | Succeeded | Failed | Cancelled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunStatus = Schema.Literal(...values).annotations({
  identifier: "RunStatus",
  description: "Status of a run."
})

/**
 * @since 0.1.0
 * @category models
 */
export type RunStatus = typeof RunStatus.Type

/**
 * The statuses a run never leaves.
 *
 * @since 0.1.0
 * @category models
 */
export type TerminalRunStatus = Extract<RunStatus, "Succeeded" | "Failed" | "Cancelled">

/**
 * The statuses a run never leaves.
 *
 * @since 0.1.0
 * @category constants
 */
export const terminal: ReadonlySet<RunStatus> = new Set<RunStatus>(["Succeeded", "Failed", "Cancelled"])

/**
 * Whether a run with this status is finished: `Succeeded`, `Failed` or `Cancelled`.
 *
 * @example
 * ```ts
 * import { RunStatus } from "@airplane-runs/contract"
 *
 * RunStatus.isTerminal("Active") // false
 * RunStatus.isTerminal("Cancelled") // true
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTerminal = (status: RunStatus): status is TerminalRunStatus => terminal.has(status)
