/**
 * Errors are immutable: changing a field makes a new error of the same class.
 */
import type * as RunsError from "../RunsError.js"

/**
 * The error with some fields changed. Fields that are not known (`undefined`) are left out, so
 * that an error prints only what it knows.
 */
export const rebuild = <E extends RunsError.RunsError>(error: E, changes: Readonly<Record<string, unknown>>): E => {
  const fields: Record<string, unknown> = {}
  for (const [name, value] of Object.entries({ ...error, ...changes })) {
    if (name !== "_tag" && value !== undefined) fields[name] = value
  }
  return new (error.constructor as new(fields: Record<string, unknown>) => E)(fields)
}
