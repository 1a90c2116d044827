/**
 * @since 0.1.0
 */

/**
 * @since 0.2.0
 */
export * as ResponseInfo from "./ResponseInfo.js"
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
