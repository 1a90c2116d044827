/**
 * A 2xx answer, read: JSON, then the endpoint's answer schema, then what the schema cannot
 * say (another run than the one asked for, an error body sent with 200). Any failure is an
 * `InvalidResponse` at the field it is about.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as RunsError from "../RunsError.js"
import { requestIdOf } from "./classify.js"
import { compile } from "./compile.js"
import type { Sent, Target } from "./send.js"

/** A problem of an answer, and the field it is at. */
export interface Problem {
  readonly reason: string
  readonly path: string
}

/**
 * What a call checks of an answer that decoded, given the decoded answer and the JSON it came
 * from: the problem, or `undefined`.
 */
export type Check<A> = (answer: A, json: unknown) => Problem | undefined

/** Reads the answers of one schema; built once per endpoint, run on every call. */
export const decoder = <A, I>(schema: Schema.Schema<A, I>, emptyAnswer?: unknown) => {
  const decode = compile(schema)
  return (
    { method, path }: Target,
    { response, text }: Sent,
    check: Check<A> | undefined
  ): Either.Either<A, RunsError.InvalidResponse> => {
    const invalid = (reason: string, schemaPath?: ReadonlyArray<string>) =>
      new RunsError.InvalidResponse({
        method,
        path,
        status: response.status,
        requestId: requestIdOf(response.headers),
        reason,
        ...(schemaPath === undefined ? {} : { schemaPath })
      })
    let json: unknown
    if (text.trim() === "" && emptyAnswer !== undefined) {
      json = emptyAnswer
    } else {
      try {
        json = JSON.parse(text)
      } catch (error) {
        const contentType = response.headers["content-type"] ?? "no content type"
        return Either.left(invalid(
          text === ""
            ? "an empty body where JSON was expected"
            : `not JSON (${contentType}, ${text.length} characters): ${(error as Error).message}`
        ))
      }
    }
    return Either.flatMap(
      Either.mapLeft(decode(json), (error) => {
        const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
        return issue === undefined
          ? invalid(error.message, [])
          : invalid(issue.message, issue.path.map(String))
      }),
      (answer) => {
        const problem = check?.(answer, json)
        return problem === undefined ? Either.right(answer) : Either.left(invalid(problem.reason, [problem.path]))
      }
    )
  }
}
