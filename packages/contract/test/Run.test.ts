import { assert, describe, it } from "@effect/vitest"
import { Effect, ParseResult, Schema } from "effect"
import * as Run from "../src/Run.js"
import { refusal } from "./utils/Decode.js"
import { component, describeWithSpec, exampleOf, loadSpec, specLocation } from "./utils/OpenApiDocument.js"

const utc = (hour: number, minute: number, second: number, millis: number): number =>
  Date.UTC(2022, 0, 11, hour, minute, second, millis)

/** The spec's own run: every property of `apiext.GetRunResponse` that has (or nests) examples. */
const specExample = (): Record<string, unknown> => {
  const spec = loadSpec()
  return exampleOf(spec, component(spec, "apiext.GetRunResponse")) as Record<string, unknown>
}

const decode = Schema.decodeUnknown(Run.Run)

describe("Run", () => {
  describeWithSpec("the spec's example run", () => {
    it("is built from the spec's examples, timestamps as Postgres text", () => {
      const example = specExample()
      // the spec's properties that carry an `example:` are all in
      const spec = loadSpec()
      const withExamples = Object.entries<any>(component(spec, "apiext.GetRunResponse").properties)
        .filter(([, property]) => property.example !== undefined)
        .map(([name]) => name)
      assert.isAbove(withExamples.length, 15)
      for (const name of withExamples) assert.property(example, name)
      // YAML 1.2 leaves them strings: what the API sends, not what a YAML 1.1 reader would make
      assert.strictEqual(example.createdAt, "2022-01-11 22:32:45.601486+00")
    })

    it.effect("decodes, with every field kept", () =>
      Effect.gen(function*() {
        const example = specExample()
        const run = yield* decode(example)
        assert.deepStrictEqual(Object.keys(run).sort(), Object.keys(example).sort())
        assert.strictEqual(run.id, "run20220111zlq2ig4")
        assert.strictEqual(run.status, "Succeeded")
        assert.strictEqual(run.taskID, "tsk20210728zxb2vxn")
        assert.strictEqual(run.isPrivate, true)
        assert.strictEqual(run.timeout, 3600)
        assert.strictEqual(run.runtime, "standard")
        assert.deepStrictEqual(run.paramValues, { limit: "20", user: "eric" })
        assert.deepStrictEqual(run.constraints, { labels: [{ key: "aws-region", value: "west-2" }] })
        assert.deepStrictEqual(run.permissions, [{
          action: "sessions.get",
          roleID: "team_admin",
          subGroupID: "grp20220222zaigy4h2bw3",
          subUserID: "usr20211123zz1dv7z"
        }])
        assert.strictEqual(run.params?.[0].slug, "user_email")
        assert.strictEqual(run.params?.[0].type, "string")
        assert.strictEqual(run.params?.[0].component, "textarea")
      }))

    it.effect("decodes its Postgres timestamps to Dates", () =>
      Effect.gen(function*() {
        const run = yield* decode(specExample())
        const expected = {
          createdAt: utc(22, 32, 45, 601),
          activeAt: utc(22, 32, 45, 707),
          succeededAt: utc(22, 33, 3, 784),
          failedAt: utc(22, 33, 3, 784),
          cancelledAt: utc(22, 33, 3, 784)
        }
        for (const [name, millis] of Object.entries(expected)) {
          const date = run[name as keyof typeof expected]
          assert.instanceOf(date, Date, name)
          assert.strictEqual(date!.getTime(), millis, name)
        }
      }))
  })

  describe("a run as the API may send it", () => {
    const wire = {
      id: "run20220111zlq2ig4",
      status: "Active",
      taskID: "tsk20210728zxb2vxn",
      sessionID: null,
      teamID: "tea20220103zvy4auu",
      createdAt: "2022-01-11T22:32:45.601486Z",
      createdBy: "usr20220103zlufhym",
      activeAt: "2022-01-11T23:32:45.707+01:00",
      succeededAt: "",
      failedAt: null,
      cancelledAt: "",
      cancelledBy: null,
      isPrivate: false,
      paramValues: { limit: 20, user: "eric", tags: ["a", "b"], nested: { on: true, none: null } },
      params: null,
      permissions: [],
      resources: { db: "res20220111zabc" },
      constraints: null,
      runtime: "workflow",
      timeout: null,
      zoneID: null,
      // fields the spec does not name
      workflowID: "wf_123",
      labels: { x: 1 },
      deprecatedField: null
    }

    it.effect("decodes nulls, empty-string timestamps and RFC 3339, and drops unknown fields", () =>
      Effect.gen(function*() {
        const run = yield* decode(wire)
        assert.deepStrictEqual<unknown>(run, {
          id: "run20220111zlq2ig4",
          status: "Active",
          taskID: "tsk20210728zxb2vxn",
          sessionID: null,
          teamID: "tea20220103zvy4auu",
          createdAt: new Date(utc(22, 32, 45, 601)),
          createdBy: "usr20220103zlufhym",
          activeAt: new Date(utc(22, 32, 45, 707)),
          succeededAt: null,
          failedAt: null,
          cancelledAt: null,
          cancelledBy: null,
          isPrivate: false,
          paramValues: { limit: 20, user: "eric", tags: ["a", "b"], nested: { on: true, none: null } },
          params: null,
          permissions: [],
          resources: { db: "res20220111zabc" },
          constraints: null,
          runtime: "workflow",
          timeout: null,
          zoneID: null
        })
        assert.isFalse("workflowID" in run)
        assert.isFalse("labels" in run)
        assert.isFalse("deprecatedField" in run)
      }))

    it.effect("decodes a run with no fields at all", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decode({}), {})
      }))

    it.effect("encodes back to the wire with RFC 3339 timestamps, and decodes to the same run", () =>
      Effect.gen(function*() {
        const run = yield* decode(wire)
        const encoded = yield* Schema.encode(Run.Run)(run)
        assert.strictEqual(encoded.createdAt, "2022-01-11T22:32:45.601Z")
        assert.strictEqual(encoded.activeAt, "2022-01-11T22:32:45.707Z")
        assert.isNull(encoded.succeededAt)
        assert.isFalse("workflowID" in encoded)
        assert.deepStrictEqual(yield* decode(JSON.parse(JSON.stringify(encoded))), run)
      }))

    it.effect.skipIf(specLocation._tag === "Skipped")(
      "round-trips the spec's example run",
      () =>
        Effect.gen(function*() {
          const run = yield* decode(specExample())
          const encoded = yield* Schema.encode(Run.Run)(run)
          assert.strictEqual(encoded.succeededAt, "2022-01-11T22:33:03.784Z")
          assert.deepStrictEqual(yield* decode(JSON.parse(JSON.stringify(encoded))), run)
        })
    )
  })

  describe("invalid runs", () => {
    it.each([
      ["a status not in the enum", { status: "Running" }, "[\"status\"]", "Expected \"Succeeded\", actual \"Running\""],
      ["a bad timestamp", { createdAt: "yesterday" }, "[\"createdAt\"]", "got \"yesterday\""],
      ["an impossible date", { failedAt: "2022-02-30 00:00:00+00" }, "[\"failedAt\"]", "2022-02-30"],
      ["a non-integer timeout", { timeout: 1.5 }, "[\"timeout\"]", "Expected an integer, actual 1.5"],
      ["a string timeout", { timeout: "3600" }, "[\"timeout\"]", "\"3600\""],
      ["a bad runtime", { runtime: "lambda" }, "[\"runtime\"]", "\"lambda\""],
      ["a nested bad value", { params: [{ type: "weird" }] }, "[\"params\"]", "[\"type\"]"],
      ["a non-string resource", { resources: { db: 1 } }, "[\"resources\"]", "[\"db\"]"]
    ])("fail on %s, with a ParseError naming the path", (_, input, path, detail) => {
      const error = refusal(Run.Run, { id: "run20220111zlq2ig4", ...input })
      assert.isTrue(ParseResult.isParseError(error))
      assert.include(error.message, path)
      assert.include(error.message, detail)
    })

    it.each([null, [], "run", 1])("fail when the run is %j, not an object", (input) => {
      assert.isTrue(ParseResult.isParseError(refusal(Run.Run, input)))
    })
  })
})
