/**
 * @since 0.1.0
 */

/**
 * @since 0.2.0
 */
export * as Cli from "./Cli.js"
/**
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"
/**
 * @since 0.1.0
 */
export * as RequestLog from "./RequestLog.js"
/**
 * @since 0.1.0
 */
export * as RunsServer from "./RunsServer.js"
/**
 * @since 0.1.0
 */
export * as RunStore from "./RunStore.js"
