/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ApiError from "./ApiError.js"
/**
 * @since 0.1.0
 */
export * as CancelRun from "./CancelRun.js"
/**
 * @since 0.1.0
 */
export * as Endpoints from "./Endpoints.js"
/**
 * @since 0.1.0
 */
export * as ExecuteTask from "./ExecuteTask.js"
/**
 * @since 0.1.0
 */
export * as GetRun from "./GetRun.js"
/**
 * @since 0.1.0
 */
export * as Ids from "./Ids.js"
/**
 * @since 0.1.0
 */
export * as Json from "./Json.js"
/**
 * @since 0.1.0
 */
export * as ListRuns from "./ListRuns.js"
/**
 * @since 0.1.0
 */
export * as Run from "./Run.js"
/**
 * @since 0.1.0
 */
export * as RunOutputs from "./RunOutputs.js"
/**
 * @since 0.1.0
 */
export * as RunsApi from "./RunsApi.js"
/**
 * @since 0.1.0
 */
export * as RunStatus from "./RunStatus.js"
/**
 * @since 0.1.0
 */
export * as Timestamp from "./Timestamp.js"
