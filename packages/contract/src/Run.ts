/**
 * The run object of `/runs/get` and `/runs/list`.
 *
 * Every field is optional and may be `null`: the spec marks none required, the Go SDK makes
 * each a pointer, and the docs say fields are empty until they apply. Fields the spec does
 * not name are dropped when decoding, never an error, so a newer API cannot break a client.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { RunId, TaskId } from "./Ids.js"
import { Json, JsonMapString, JsonObject } from "./Json.js"
import { RunStatus } from "./RunStatus.js"
import { NullableTimestamp } from "./Timestamp.js"

const field = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(Schema.NullOr(schema), { exact: true })
const timestamp = Schema.optionalWith(NullableTimestamp, { exact: true })

const AgentLabel_ = Schema.Struct({
  key: field(Schema.String),
  value: field(Schema.String)
}).annotations({ identifier: "AgentLabel" })

/**
 * A label that constrains which agents may run a run (`apiext.AgentLabel`).
 *
 * @since 0.1.0
 * @category models
 */
export interface AgentLabel extends Schema.Schema.Type<typeof AgentLabel_> {}

/**
 * AgentLabel as it is on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export interface AgentLabelEncoded extends Schema.Schema.Encoded<typeof AgentLabel_> {}

/**
 * The schema of {@link AgentLabel}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AgentLabel: Schema.Schema<AgentLabel, AgentLabelEncoded> = AgentLabel_

const RunConstraints_ = Schema.Struct({
  labels: field(Schema.Array(AgentLabel))
}).annotations({ identifier: "RunConstraints" })

/**
 * Agent constraints of a run (`apiext.RunConstraints`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RunConstraints extends Schema.Schema.Type<typeof RunConstraints_> {}

/**
 * RunConstraints as it is on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunConstraintsEncoded extends Schema.Schema.Encoded<typeof RunConstraints_> {}

/**
 * The schema of {@link RunConstraints}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunConstraints: Schema.Schema<RunConstraints, RunConstraintsEncoded> = RunConstraints_

const ParameterConstraints_ = Schema.Struct({
  optional: field(Schema.Boolean),
  options: field(Json),
  regex: field(Schema.String)
}).annotations({ identifier: "ParameterConstraints" })

/**
 * Constraints on a parameter's value (`apiext.Constraints`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ParameterConstraints extends Schema.Schema.Type<typeof ParameterConstraints_> {}

/**
 * ParameterConstraints as it is on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParameterConstraintsEncoded extends Schema.Schema.Encoded<typeof ParameterConstraints_> {}

/**
 * The schema of {@link ParameterConstraints}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterConstraints: Schema.Schema<ParameterConstraints, ParameterConstraintsEncoded> =
  ParameterConstraints_

/**
 * The data types a parameter can have.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterType = Schema.Literal(
  "any",
  "string",
  "boolean",
  "upload",
  "integer",
  "float",
  "date",
  "datetime",
  "configvar",
  "list",
  "map",
  "object"
).annotations({ identifier: "ParameterType" })

/**
 * A parameter definition of a task or run (`apiext.Parameter`); object parameters nest.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parameter {
  readonly component?: "" | "editor-sql" | "textarea" | null
  readonly constraints?: ParameterConstraints | null
  readonly default?: Json | null
  readonly desc?: string | null
  readonly name?: string | null
  readonly params?: ReadonlyArray<Parameter> | null
  readonly slug?: string | null
  readonly type?: typeof ParameterType.Type | null
  readonly values?: Parameter | null
}

/**
 * The encoded form of {@link Parameter}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParameterEncoded {
  readonly component?: "" | "editor-sql" | "textarea" | null
  readonly constraints?: ParameterConstraintsEncoded | null
  readonly default?: Json | null
  readonly desc?: string | null
  readonly name?: string | null
  readonly params?: ReadonlyArray<ParameterEncoded> | null
  readonly slug?: string | null
  readonly type?: typeof ParameterType.Type | null
  readonly values?: ParameterEncoded | null
}

/**
 * A parameter definition of a task or run (`apiext.Parameter`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Parameter: Schema.Schema<Parameter, ParameterEncoded> = Schema.Struct({
  component: field(Schema.Literal("", "editor-sql", "textarea")),
  constraints: field(ParameterConstraints),
  default: field(Json),
  desc: field(Schema.String),
  name: field(Schema.String),
  params: field(Schema.Array(Schema.suspend((): Schema.Schema<Parameter, ParameterEncoded> => Parameter))),
  slug: field(Schema.String),
  type: field(ParameterType),
  values: field(Schema.suspend((): Schema.Schema<Parameter, ParameterEncoded> => Parameter))
}).annotations({ identifier: "Parameter" })

/**
 * The roles a permission can grant.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RoleId = Schema.Literal(
  "team_admin",
  "team_developer",
  "task_viewer",
  "task_requester",
  "task_executer",
  "task_admin",
  "run_viewer",
  "runbook_viewer",
  "runbook_requester",
  "runbook_executer",
  "runbook_admin",
  "session_viewer",
  "session_executer",
  "session_admin",
  "resource_user",
  "deploy_creator",
  "group_admin"
).annotations({ identifier: "RoleId" })

const Permission_ = Schema.Struct({
  action: field(Schema.String),
  roleID: field(RoleId),
  subGroupID: field(Schema.String),
  subUserID: field(Schema.String)
}).annotations({ identifier: "Permission" })

/**
 * An explicit permission of a private run (`apiext.Permission`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Permission extends Schema.Schema.Type<typeof Permission_> {}

/**
 * Permission as it is on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export interface PermissionEncoded extends Schema.Schema.Encoded<typeof Permission_> {}

/**
 * The schema of {@link Permission}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Permission: Schema.Schema<Permission, PermissionEncoded> = Permission_

/**
 * The runtime a run executed on.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Runtime = Schema.Literal("standard", "workflow").annotations({ identifier: "Runtime" })

const Run_ = Schema.Struct({
  id: field(RunId),
  status: field(RunStatus),
  taskID: field(TaskId),
  sessionID: field(Schema.String),
  teamID: field(Schema.String),
  createdAt: timestamp,
  createdBy: field(Schema.String),
  activeAt: timestamp,
  succeededAt: timestamp,
  failedAt: timestamp,
  cancelledAt: timestamp,
  cancelledBy: field(Schema.String),
  isPrivate: field(Schema.Boolean),
  paramValues: field(JsonObject),
  params: field(Schema.Array(Parameter)),
  permissions: field(Schema.Array(Permission)),
  resources: field(JsonMapString),
  constraints: field(RunConstraints),
  runtime: field(Runtime),
  timeout: field(Schema.Int),
  zoneID: field(Schema.String)
}).annotations({ identifier: "Run", description: "A run: one execution of a task." })

/**
 * A run: one execution of a task (`apiext.GetRunResponse`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Run extends Schema.Schema.Type<typeof Run_> {}

/**
 * Run as it is on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunEncoded extends Schema.Schema.Encoded<typeof Run_> {}

/**
 * The schema of {@link Run}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Run: Schema.Schema<Run, RunEncoded> = Run_
