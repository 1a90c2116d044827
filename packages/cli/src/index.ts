/**
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 */
export * as Cli from "./Cli.js"
/**
 * @since 0.2.0
 */
export * as ExitCode from "./ExitCode.js"
/**
 * @since 0.2.0
 */
export * as OutputFormat from "./OutputFormat.js"
/**
 * @since 0.2.0
 */
export * as TimeSpan from "./TimeSpan.js"
