import { assert, describe, it } from "@effect/vitest"
import { Effect, ParseResult, Schema } from "effect"
import * as ListRuns from "../src/ListRuns.js"
import { accepted, refusal } from "./utils/Decode.js"

const params = (input: unknown) => accepted(ListRuns.ListRunsParams, input)
const refused = (input: unknown): string => refusal(ListRuns.ListRunsParams, input).message

describe("ListRuns", () => {
  describe("ListRunsParams", () => {
    it("decodes an empty query", () => {
      assert.deepStrictEqual(params({}), {})
    })

    it.effect("decodes query strings to numbers and Dates", () =>
      Effect.gen(function*() {
        const decoded = yield* Schema.decodeUnknown(ListRuns.ListRunsParams)({
          taskID: "tsk20210728zxb2vxn",
          taskSlug: "hello_world",
          since: "2022-01-01T12:00:00-00:00",
          until: "2022-01-01 13:00:00+00",
          limit: "10",
          page: "2"
        })
        assert.strictEqual(decoded.limit, 10)
        assert.strictEqual(decoded.page, 2)
        assert.strictEqual(decoded.taskID, "tsk20210728zxb2vxn")
        assert.strictEqual(decoded.taskSlug, "hello_world")
        assert.instanceOf(decoded.since, Date)
        assert.strictEqual(decoded.since!.getTime(), Date.UTC(2022, 0, 1, 12))
        assert.strictEqual(decoded.until!.getTime(), Date.UTC(2022, 0, 1, 13))
      }))

    it.each(["0", "1", "49", "50"])("accepts limit %s", (limit) => {
      assert.strictEqual(params({ limit }).limit, Number(limit))
    })

    it.each(["51", "-1", "1.5", "100", "ten", ""])("refuses limit %j", (limit) => {
      assert.include(refused({ limit }), "[\"limit\"]")
    })

    it("explains an out-of-range limit", () => {
      assert.include(refused({ limit: "51" }), "limit must be an integer from 0 to 50")
      assert.include(refused({ limit: "-1" }), "limit must be an integer from 0 to 50")
    })

    it.each(["0", "1", "1000"])("accepts page %s", (page) => {
      assert.strictEqual(params({ page }).page, Number(page))
    })

    it.each(["-1", "0.5", "first"])("refuses page %j", (page) => {
      assert.include(refused({ page }), "[\"page\"]")
    })

    it("explains a negative page", () => {
      assert.include(refused({ page: "-1" }), "page must be an integer of 0 or more")
    })

    it.effect("refuses since after until with a ParseError naming both", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Schema.decodeUnknown(ListRuns.ListRunsParams)({
            since: "2022-01-02T00:00:00Z",
            until: "2022-01-01T00:00:00Z"
          })
        )
        assert.isTrue(ParseResult.isParseError(error))
        assert.include(error.message, "since must not be after until")
        assert.include(error.message, "[\"since\"]")
      }))

    it("accepts since equal to until, and either alone", () => {
      const same = params({ since: "2022-01-01T00:00:00Z", until: "2022-01-01 01:00:00+01" })
      assert.strictEqual(same.since!.getTime(), same.until!.getTime())
      assert.instanceOf(params({ since: "2030-01-01T00:00:00Z" }).since, Date)
      assert.instanceOf(params({ until: "2000-01-01T00:00:00Z" }).until, Date)
    })

    it("refuses bad timestamps and empty task filters", () => {
      assert.include(refused({ since: "yesterday" }), "[\"since\"]")
      assert.include(refused({ until: "2022-02-30T00:00:00Z" }), "[\"until\"]")
      assert.include(refused({ taskID: "" }), "[\"taskID\"]")
      assert.include(refused({ taskSlug: "" }), "[\"taskSlug\"]")
    })

    it("encodes to query strings", () => {
      const encoded = Schema.encodeSync(ListRuns.ListRunsParams)({
        since: new Date(Date.UTC(2022, 0, 1, 12)),
        limit: 10,
        page: 0
      })
      assert.deepStrictEqual(encoded, { since: "2022-01-01T12:00:00.000Z", limit: "10", page: "0" })
    })

    it("has a maximum page size of 50", () => {
      assert.strictEqual(ListRuns.maxLimit, 50)
    })
  })

  describe("ListRunsAnswer", () => {
    it("decodes an empty list, and null (a Go backend's empty list), as such", () => {
      assert.deepStrictEqual(accepted(ListRuns.ListRunsAnswer, { runs: [] }), { runs: [] })
      assert.deepStrictEqual(accepted(ListRuns.ListRunsAnswer, { runs: null }), { runs: null })
    })

    it.each([
      ["an empty object", {}],
      ["an error body sent with 200", { error: "internal" }],
      ["a run", { id: "run1", status: "Failed" }]
    ])("refuses %s: an answer without runs is not a page", (_, input) => {
      assert.include(refusal(ListRuns.ListRunsAnswer, input).message, "[\"runs\"]")
    })

    it.effect("decodes its runs, keeping their order", () =>
      Effect.gen(function*() {
        const page = yield* Schema.decodeUnknown(ListRuns.ListRunsAnswer)({
          runs: [
            { id: "run2", status: "Queued", createdAt: "2022-01-11 22:32:46+00" },
            { id: "run1", status: "Failed", createdAt: "2022-01-11T22:32:45Z", extra: true }
          ]
        })
        const runs = page.runs ?? []
        assert.deepStrictEqual(runs.map((run): unknown => run.id), ["run2", "run1"])
        assert.strictEqual(runs[0].createdAt!.getTime(), Date.UTC(2022, 0, 11, 22, 32, 46))
        assert.isFalse("extra" in runs[1])
      }))

    it("refuses a page with an invalid run, naming its index", () => {
      const message =
        refusal(ListRuns.ListRunsAnswer, { runs: [{ id: "run1" }, { id: "run2", status: "Lost" }] }).message
      assert.include(message, "[\"runs\"]")
      assert.include(message, "[1]")
      assert.include(message, "[\"status\"]")
    })

    it("encodes an empty page as an empty list", () => {
      assert.deepStrictEqual(Schema.encodeSync(ListRuns.ListRunsAnswer)({ runs: [] }), { runs: [] })
    })
  })
})
