/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.1.0
 */
export * as Runs from "./Runs.js"
/**
 * @since 0.1.0
 */
export * as RunsError from "./RunsError.js"
