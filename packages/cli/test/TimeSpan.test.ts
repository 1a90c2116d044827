import { assert, describe, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import * as TimeSpan from "../src/TimeSpan.js"

const now = new Date("2026-01-08T12:00:00Z")

describe("TimeSpan", () => {
  it("reads spans, units summed", () => {
    const ms = (text: string) => Either.map(TimeSpan.parseSpan(text), Duration.toMillis)
    assert.deepStrictEqual(ms("90s"), Either.right(90_000))
    assert.deepStrictEqual(ms("1h30m"), Either.right(5_400_000))
    assert.deepStrictEqual(ms("2W"), Either.right(1_209_600_000))
    assert.deepStrictEqual(ms("250ms"), Either.right(250))
    assert.deepStrictEqual(ms("1.5h"), Either.right(5_400_000))
    for (const bad of ["", "10", "h", "5 minutes", "-2h", "2h-"]) assert.isTrue(Either.isLeft(ms(bad)), bad)
  })

  it("reads times: RFC 3339 with its offset, a date as its midnight UTC, or a span ago", () => {
    const time = (text: string) => Either.map(TimeSpan.parseTime(text, now), (date) => date.toISOString())
    assert.deepStrictEqual(time("7d"), Either.right("2026-01-01T12:00:00.000Z"))
    assert.deepStrictEqual(time("2026-01-02T03:04:05+02:00"), Either.right("2026-01-02T01:04:05.000Z"))
    assert.deepStrictEqual(time("2026-01-02"), Either.right("2026-01-02T00:00:00.000Z"))
    assert.deepStrictEqual(time("2026-01-02 03:04:05.5Z"), Either.right("2026-01-02T03:04:05.500Z"))
    for (const bad of ["2026-01-02T03:04:05", "yesterday", "2026-13-45T00:00:00Z"]) {
      assert.isTrue(Either.isLeft(time(bad)), bad)
    }
  })

  it("formats durations for the eye", () => {
    assert.deepStrictEqual(
      [850, 4_200, 185_000, 7_800_000, 180_000_000].map(TimeSpan.format),
      ["850 ms", "4.2 s", "3m05s", "2h10m", "2d02h"]
    )
  })
})
