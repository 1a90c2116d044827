/**
 * The API's objects as plain TypeScript types: what the client's methods answer, with no
 * Effect type in sight. The contract's own types are a Schema's (`Schema.Schema.Type<...>`),
 * so the facade states them again as plain interfaces, and a type test keeps the two equal.
 * None is imported from the contract, `Json` included: the published package bundles the
 * contract's code and does not depend on it, so its declarations cannot name it.
 *
 * @since 0.1.0
 */

/**
 * Any JSON value (`null`, a boolean, a number, a string, or an array or object of JSON values):
 * what a task outputs and what parameter values can be.
 *
 * @since 0.1.0
 * @category models
 */
export type Json =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<Json>
  | { readonly [key: string]: Json }

/**
 * The status of a run. `Succeeded`, `Failed` and `Cancelled` are final.
 *
 * @since 0.1.0
 * @category models
 */
export type RunStatus = "NotStarted" | "Queued" | "Active" | "Succeeded" | "Failed" | "Cancelled"

/**
 * A parameter definition of a task or run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parameter {
  readonly component?: "" | "editor-sql" | "textarea" | null
  readonly constraints?: {
    readonly optional?: boolean | null
    readonly options?: Json | null
    readonly regex?: string | null
  } | null
  readonly default?: Json | null
  readonly desc?: string | null
  readonly name?: string | null
  readonly params?: ReadonlyArray<Parameter> | null
  readonly slug?: string | null
  readonly type?:
    | "any"
    | "string"
    | "boolean"
    | "upload"
    | "integer"
    | "float"
    | "date"
    | "datetime"
    | "configvar"
    | "list"
    | "map"
    | "object"
    | null
  readonly values?: Parameter | null
}

/**
 * An explicit permission of a private run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Permission {
  readonly action?: string | null
  readonly roleID?: string | null
  readonly subGroupID?: string | null
  readonly subUserID?: string | null
}

/**
 * A run: one execution of a task. The API promises no field, so each may be missing or
 * `null`; times are `Date`s.
 *
 * @since 0.1.0
 * @category models
 */
export interface Run {
  readonly id?: string | null
  readonly status?: RunStatus | null
  readonly taskID?: string | null
  readonly sessionID?: string | null
  readonly teamID?: string | null
  readonly createdAt?: Date | null
  readonly createdBy?: string | null
  readonly activeAt?: Date | null
  readonly succeededAt?: Date | null
  readonly failedAt?: Date | null
  readonly cancelledAt?: Date | null
  readonly cancelledBy?: string | null
  readonly isPrivate?: boolean | null
  readonly paramValues?: { readonly [slug: string]: Json } | null
  readonly params?: ReadonlyArray<Parameter> | null
  readonly permissions?: ReadonlyArray<Permission> | null
  readonly resources?: { readonly [slug: string]: string } | null
  readonly constraints?: {
    readonly labels?: ReadonlyArray<{ readonly key?: string | null; readonly value?: string | null }> | null
  } | null
  readonly runtime?: "standard" | "workflow" | null
  readonly timeout?: number | null
  readonly zoneID?: string | null
}

/**
 * One page of runs, newest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunsPage {
  /** The 0-based page index. */
  readonly page: number
  readonly runs: ReadonlyArray<Run>
}

/**
 * A finished run and its outputs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Completed {
  readonly run: Run
  readonly output: Json
}
