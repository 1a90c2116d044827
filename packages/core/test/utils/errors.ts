/**
 * What the core tests share to read a call's error: its tag asserted, and the error narrowed
 * to the class of that tag.
 */
import { RunsError } from "@airplane-runs/core"
import { assert } from "@effect/vitest"

/** The tag of one of the client's errors. */
export type Tag = RunsError.RunsError["_tag"]

/** The error class whose tag is `T`. */
export type ErrorOf<T extends Tag> = Extract<RunsError.RunsError, { readonly _tag: T }>

/** Asserts the error's tag and narrows it. */
export const expectTag = <T extends Tag>(error: RunsError.RunsError, tag: T): ErrorOf<T> => {
  assert.strictEqual(error._tag, tag, `expected ${tag}, got ${error._tag}: ${error.message}`)
  assert.isTrue(RunsError.isRunsError(error))
  return error as ErrorOf<T>
}
