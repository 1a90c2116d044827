// Pure decoding helpers for table-driven tests: a refusal is returned (to inspect its message)
// and an acceptance fails the test, and the other way round.
import { assert } from "@effect/vitest"
import type { ParseResult } from "effect"
import { Either, Schema } from "effect"

/** The ParseError of decoding `input`; fails the test if `input` decodes. */
export const refusal = <A, I>(schema: Schema.Schema<A, I>, input: unknown): ParseResult.ParseError => {
  const result = Schema.decodeUnknownEither(schema)(input)
  if (Either.isRight(result)) assert.fail(`expected ${String(JSON.stringify(input))} to be refused`)
  return result.left
}

/** The decoded value of `input`; fails the test with the ParseError's message if it is refused. */
export const accepted = <A, I>(schema: Schema.Schema<A, I>, input: unknown): A => {
  const result = Schema.decodeUnknownEither(schema)(input)
  if (Either.isLeft(result)) assert.fail(result.left.message)
  return result.right
}
