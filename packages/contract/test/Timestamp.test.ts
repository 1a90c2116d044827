import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc, ParseResult, Schema } from "effect"
import * as Timestamp from "../src/Timestamp.js"

const utc = (
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millis = 0
): number => Date.UTC(year, month - 1, day, hour, minute, second, millis)

const millisOf = (text: string): number | undefined => Timestamp.parse(text)?.getTime()

describe("Timestamp", () => {
  describe("parse", () => {
    it.each([
      ["RFC 3339 in UTC", "2022-01-11T22:32:45Z", utc(2022, 1, 11, 22, 32, 45)],
      ["RFC 3339 with microseconds", "2022-01-11T22:32:45.601486Z", utc(2022, 1, 11, 22, 32, 45, 601)],
      ["an offset +05:30", "2022-01-11T22:32:45+05:30", utc(2022, 1, 11, 17, 2, 45)],
      ["an offset -0800", "2022-01-11T22:32:45-0800", utc(2022, 1, 12, 6, 32, 45)],
      ["an offset +00", "2022-01-11T22:32:45+00", utc(2022, 1, 11, 22, 32, 45)],
      ["the spec's -00:00", "2022-01-01T12:00:00-00:00", utc(2022, 1, 1, 12)],
      ["Postgres text", "2022-01-11 22:32:45.601486+00", utc(2022, 1, 11, 22, 32, 45, 601)],
      ["Postgres text, five fraction digits", "2022-01-11 22:33:03.78416+00", utc(2022, 1, 11, 22, 33, 3, 784)],
      ["Postgres text with an offset", "2022-01-11 23:32:45+01", utc(2022, 1, 11, 22, 32, 45)],
      ["lowercase t and z", "2022-01-11t22:32:45.5z", utc(2022, 1, 11, 22, 32, 45, 500)],
      ["an offset crossing the year", "2021-12-31T23:30:00-01:00", utc(2022, 1, 1, 0, 30)],
      ["Go's zero time", "0001-01-01T00:00:00Z", -62_135_596_800_000],
      ["a two-digit year", "0099-12-31T23:59:59Z", -59_011_459_201_000]
    ])("reads %s", (_, text, expected) => {
      const date = Timestamp.parse(text)
      assert.instanceOf(date, Date)
      assert.strictEqual(date!.getTime(), expected)
    })

    it("keeps milliseconds of 1 to 9 fraction digits, truncating the rest", () => {
      const base = utc(2022, 1, 11, 22, 32, 45)
      const cases: ReadonlyArray<readonly [string, number]> = [
        ["1", 100],
        ["12", 120],
        ["123", 123],
        ["1239", 123],
        ["12399", 123],
        ["999999", 999],
        ["9999999", 999],
        ["99999999", 999],
        ["999999999", 999],
        ["000000001", 0]
      ]
      for (const [fraction, millis] of cases) {
        assert.strictEqual(millisOf(`2022-01-11T22:32:45.${fraction}Z`), base + millis, fraction)
      }
    })

    it("accepts February 29 of a leap year only", () => {
      assert.strictEqual(millisOf("2024-02-29T00:00:00Z"), utc(2024, 2, 29))
      assert.strictEqual(millisOf("2000-02-29T00:00:00Z"), utc(2000, 2, 29))
      assert.isUndefined(Timestamp.parse("2023-02-29T00:00:00Z"))
      assert.isUndefined(Timestamp.parse("1900-02-29T00:00:00Z"))
    })

    it("accepts the last day of each month", () => {
      const lastDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
      lastDays.forEach((last, index) => {
        const month = String(index + 1).padStart(2, "0")
        assert.strictEqual(millisOf(`2023-${month}-${last}T12:00:00Z`), utc(2023, index + 1, last, 12), month)
        assert.isUndefined(Timestamp.parse(`2023-${month}-${last + 1}T12:00:00Z`), month)
      })
    })

    it.each([
      ["the empty string", ""],
      ["garbage", "yesterday"],
      ["a date alone", "2022-01-11"],
      ["a missing offset", "2022-01-11T22:32:45"],
      ["a missing offset after a fraction", "2022-01-11 22:32:45.601486"],
      ["month 13", "2022-13-11T22:32:45Z"],
      ["month 0", "2022-00-11T22:32:45Z"],
      ["day 0", "2022-01-00T22:32:45Z"],
      ["February 30", "2022-02-30T22:32:45Z"],
      ["April 31", "2022-04-31T22:32:45Z"],
      ["hour 24", "2022-01-11T24:00:00Z"],
      ["minute 60", "2022-01-11T22:60:00Z"],
      ["second 60", "2022-01-11T22:32:60Z"],
      ["an offset of 24 hours", "2022-01-11T22:32:45+24:00"],
      ["an offset minute of 60", "2022-01-11T22:32:45+01:60"],
      ["a one-digit offset", "2022-01-11T22:32:45+1"],
      ["an empty fraction", "2022-01-11T22:32:45.Z"],
      ["surrounding space", " 2022-01-11T22:32:45Z"],
      ["a trailing newline", "2022-01-11T22:32:45Z\n"],
      ["a short year", "22-01-11T22:32:45Z"],
      ["a slash date", "2022/01/11T22:32:45Z"]
    ])("refuses %s", (_, text) => {
      assert.isUndefined(Timestamp.parse(text))
    })
  })

  describe("Timestamp schema", () => {
    it.effect("decodes RFC 3339 and Postgres text to the same Date", () =>
      Effect.gen(function*() {
        const rfc = yield* Schema.decodeUnknown(Timestamp.Timestamp)("2022-01-11T22:32:45.601486Z")
        const postgres = yield* Schema.decodeUnknown(Timestamp.Timestamp)("2022-01-11 22:32:45.601486+00")
        assert.instanceOf(rfc, Date)
        assert.strictEqual(rfc.getTime(), utc(2022, 1, 11, 22, 32, 45, 601))
        assert.strictEqual(postgres.getTime(), rfc.getTime())
      }))

    it.effect("refuses a non-timestamp with a ParseError that quotes it", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Schema.decodeUnknown(Timestamp.Timestamp)("2022-02-30T00:00:00Z"))
        assert.isTrue(ParseResult.isParseError(error))
        assert.include(error.message, "Expected an RFC 3339 or Postgres timestamp")
        assert.include(error.message, "\"2022-02-30T00:00:00Z\"")
      }))

    it.effect("refuses what is not a string", () =>
      Effect.gen(function*() {
        for (const input of [null, undefined, 1641940365000, new Date(0)]) {
          const error = yield* Effect.flip(Schema.decodeUnknown(Timestamp.Timestamp)(input))
          assert.isTrue(ParseResult.isParseError(error), String(input))
        }
      }))

    it("encodes to RFC 3339 in UTC with milliseconds (toISOString)", () => {
      const date = new Date(utc(2022, 1, 11, 22, 32, 45, 601))
      assert.strictEqual(Schema.encodeSync(Timestamp.Timestamp)(date), "2022-01-11T22:32:45.601Z")
      assert.strictEqual(Schema.encodeSync(Timestamp.Timestamp)(date), date.toISOString())
      assert.strictEqual(Schema.encodeSync(Timestamp.Timestamp)(new Date(0)), "1970-01-01T00:00:00.000Z")
    })

    it("round-trips what it encodes", () => {
      for (const millis of [0, utc(2022, 1, 11, 22, 32, 45, 601), -62_135_596_800_000, utc(2038, 1, 19, 3, 14, 8)]) {
        const text = Schema.encodeSync(Timestamp.Timestamp)(new Date(millis))
        assert.strictEqual(Schema.decodeSync(Timestamp.Timestamp)(text).getTime(), millis, text)
      }
    })

    it("refuses to encode an invalid Date", () => {
      assert.throws(() => Schema.encodeSync(Timestamp.Timestamp)(new Date(Number.NaN)))
    })

    it("refuses Dates outside the years 0000 to 9999, which it could not decode again", () => {
      for (const iso of ["+010000-01-01T00:00:00.000Z", "-000001-12-31T23:59:59.999Z"]) {
        const date = new Date(iso)
        assert.strictEqual(date.toISOString(), iso)
        assert.throws(() => Schema.encodeSync(Timestamp.Timestamp)(date), /years 0000 to 9999/)
        assert.isFalse(Schema.is(Timestamp.Timestamp)(date))
      }
      for (const iso of ["0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
        const text = Schema.encodeSync(Timestamp.Timestamp)(new Date(iso))
        assert.strictEqual(Schema.decodeSync(Timestamp.Timestamp)(text).toISOString(), iso)
      }
    })
  })

  describe("NullableTimestamp", () => {
    it("decodes the empty string and null to null", () => {
      assert.isNull(Schema.decodeUnknownSync(Timestamp.NullableTimestamp)(""))
      assert.isNull(Schema.decodeUnknownSync(Timestamp.NullableTimestamp)(null))
    })

    it("decodes a timestamp to a Date", () => {
      const date = Schema.decodeUnknownSync(Timestamp.NullableTimestamp)("2022-01-11 22:33:03.78416+00")
      assert.instanceOf(date, Date)
      assert.strictEqual(date!.getTime(), utc(2022, 1, 11, 22, 33, 3, 784))
    })

    it("refuses a non-empty non-timestamp", () => {
      for (const input of [" ", "null", "2022-13-01T00:00:00Z", 0]) {
        assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Timestamp.NullableTimestamp)(input)), String(input))
      }
    })

    it("encodes null to null and a Date to RFC 3339", () => {
      assert.isNull(Schema.encodeSync(Timestamp.NullableTimestamp)(null))
      assert.strictEqual(
        Schema.encodeSync(Timestamp.NullableTimestamp)(new Date(utc(2022, 1, 11, 22, 33, 3, 784))),
        "2022-01-11T22:33:03.784Z"
      )
    })
  })
})

describe("parse, against the grammar as a regular expression", () => {
  // The grammar `parse` reads, written as the regular expression it once was: the oracle.
  const grammar =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/
  const oracle = (text: string): number | undefined => {
    const match = grammar.exec(text)
    if (match === null) return undefined
    const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = match.map((part) => part ?? "")
    const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number)
    const [offsetHours, offsetMinutes] = zulu ? [0, 0] : [Number(offH), Number(offM || "0")]
    const days = new Date(Date.UTC(year + 400, month, 0)).getUTCDate()
    if (
      month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59 ||
      offsetHours > 23 || offsetMinutes > 59
    ) return undefined
    const millis = Number(fraction.slice(0, 3).padEnd(3, "0"))
    const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes)
    return Date.UTC(year + 400, month - 1, day, hour, minute, second, millis) - 146_097 * 86_400_000 - offset * 60_000
  }
  const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0"))
  const text = fc.tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")),
    fc.constantFrom("-", "/"),
    fc.constantFrom("01", "02", "12", "13", "00"),
    fc.constantFrom("01", "28", "29", "30", "31", "32"),
    fc.constantFrom("T", "t", " ", "_"),
    two,
    fc.constantFrom(":", "."),
    two,
    two,
    fc.constantFrom("", ".", ".5", ".123", ".123456789", ".x"),
    fc.constantFrom(
      "Z",
      "z",
      "",
      "+00",
      "-05",
      "+0530",
      "+05:30",
      "+05:3",
      "+24",
      "-23:59",
      "+12:60",
      "Zz",
      "+05:30:00"
    )
  ).map(([y, dash, m, d, t, h, colon, mi, s, fraction, zone]) =>
    `${y}${dash}${m}-${d}${t}${h}${colon}${mi}:${s}${fraction}${zone}`
  )
  it("reads exactly what the grammar reads, to the same instant", () =>
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (input) => {
        expect(Timestamp.parse(input)?.getTime()).toBe(oracle(input))
      }),
      { numRuns: 3000 }
    ))
})
