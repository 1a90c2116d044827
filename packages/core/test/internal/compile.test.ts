/**
 * The compiled decoder agrees with `Schema.decodeUnknownEither` on every answer schema of the
 * contract: on values the contract's own Arbitraries make (encoded to the wire), on broken
 * variants of them (a value replaced, a key removed or added, anywhere in the tree), and on any
 * JSON at all. Errors included: the same message, the same path.
 */
import { Endpoints, Json, Run } from "@airplane-runs/contract"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { compile } from "../../src/internal/compile.js"

// A list answer holds up to dozens of runs, each a tree of parameters and JSON values: fewer
// of them keep the file within a few seconds.
const runs = (name: string, count: number) => ({ numRuns: name === "list" ? Math.ceil(count / 8) : count })

const answers = {
  get: Endpoints.get.answer,
  getOutputs: Endpoints.getOutputs.answer,
  list: Endpoints.list.answer,
  cancel: Endpoints.cancel.answer,
  execute: Endpoints.execute.answer,
  Parameter: Run.Parameter,
  Json: Json.Json
} as const

/** An answer as the tests compare it: the value, or the error's message and first issue. */
const outcome = <A>(result: Either.Either<A, ParseResult.ParseError>) =>
  Either.match(result, {
    onRight: (value) => ({ value }),
    onLeft: (error) => ({ error: error.message, issues: ParseResult.ArrayFormatter.formatErrorSync(error) })
  })

type Path = ReadonlyArray<string | number>

const pathsOf = (value: unknown, at: Path = []): Array<Path> => {
  const here = [at]
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => pathsOf(v, [...at, i])))
  if (typeof value === "object" && value !== null) {
    return here.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k])))
  }
  return here
}

type Edit =
  | { readonly _tag: "replace"; readonly value: unknown }
  | { readonly _tag: "remove" }
  | { readonly _tag: "add"; readonly key: string; readonly value: unknown }

/** The JSON value with one edit at one path (a copy; the original is left alone). */
const edited = (value: unknown, path: Path, edit: Edit): unknown => {
  if (path.length === 0) {
    if (edit._tag === "replace") return edit.value
    if (edit._tag === "add" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      return { ...value, [edit.key]: edit.value }
    }
    return value
  }
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value]
    if (rest.length === 0 && edit._tag === "remove") copy.splice(head as number, 1)
    else copy[head as number] = edited(value[head as number], rest, edit)
    return copy
  }
  const record = value as Record<string, unknown>
  if (rest.length === 0 && edit._tag === "remove") {
    const { [head as string]: _, ...others } = record
    return others
  }
  return { ...record, [head]: edited(record[head as string], rest, edit) }
}

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, "", " ", NaN, Infinity, -0, 1.5, 2 ** 53, [], {}),
  fc.constantFrom("Succeeded", "Nope", "2022-01-11T22:32:45Z", "2022-13-11T22:32:45Z", "2022-01-11 22:32:45+00"),
  fc.date().map((d) => d.toISOString())
)

const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  junk.map((value) => ({ _tag: "replace" as const, value })),
  fc.constant({ _tag: "remove" as const }),
  fc.record({ key: fc.constantFrom("extra", "id", "status", "runs", "__proto__", "createdAt"), value: junk })
    .map(({ key, value }) => ({ _tag: "add" as const, key, value }))
)

describe("compile", () => {
  for (const [name, schema] of Object.entries(answers) as Array<[string, Schema.Schema<unknown, unknown>]>) {
    describe(name, () => {
      const fast = compile(schema)
      const slow = Schema.decodeUnknownEither(schema)
      // The wire form of what the contract says is valid: its Arbitrary, encoded.
      const wire = Arbitrary.make(schema).map(Schema.encodeSync(schema))

      it("decodes what the contract makes as Effect does", () =>
        fc.assert(
          fc.property(wire, (json) => {
            const answer = fast(json)
            expect(Either.isRight(answer)).toBe(true)
            expect(outcome(answer)).toStrictEqual(outcome(slow(json)))
          }),
          runs(name, 100)
        ))

      it("answers what Effect answers for one edit anywhere in a valid answer", () =>
        fc.assert(
          fc.property(
            wire.chain((json) => fc.tuple(fc.constant(json), fc.constantFrom(...pathsOf(json)), editArbitrary)),
            ([json, path, edit]) => {
              const broken = edited(json, path, edit)
              expect(outcome(fast(broken))).toStrictEqual(outcome(slow(broken)))
            }
          ),
          runs(name, 200)
        ))

      it("answers what Effect answers for any JSON", () =>
        fc.assert(
          fc.property(fc.jsonValue(), (json) => {
            expect(outcome(fast(json))).toStrictEqual(outcome(slow(json)))
          }),
          { numRuns: 200 }
        ))
    })
  }

  it("keeps the forms it does not compile to Effect, with the same answers", () => {
    // A union told apart by a literal property, a tuple with elements, a renamed key and a
    // template literal: decoded by ParseResult for those nodes.
    const schema = Schema.Struct({
      shape: Schema.Union(
        Schema.Struct({ kind: Schema.Literal("a"), a: Schema.Number }),
        Schema.Struct({ kind: Schema.Literal("b"), b: Schema.String })
      ),
      pair: Schema.Tuple(Schema.String, Schema.Number),
      renamed: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("original")),
      id: Schema.TemplateLiteral("run_", Schema.String)
    })
    const fast = compile(schema)
    const slow = Schema.decodeUnknownEither(schema)
    const valid = { shape: { kind: "b", b: "x" }, pair: ["a", 1], original: "o", id: "run_1" }
    expect(fast(valid)).toStrictEqual(
      Either.right({ shape: { kind: "b", b: "x" }, pair: ["a", 1], renamed: "o", id: "run_1" })
    )
    for (const broken of [{ ...valid, shape: { kind: "c" } }, { ...valid, pair: [1, 1] }, { ...valid, id: "x" }, {}]) {
      expect(outcome(fast(broken))).toStrictEqual(outcome(slow(broken)))
    }
  })

  it("drops keys the schema does not name, as Effect does", () => {
    const fast = compile(Endpoints.get.answer)
    expect(fast({ id: "run1", status: "Active", extra: 1 })).toStrictEqual(
      Either.right({ id: "run1", status: "Active" })
    )
  })
})
