/**
 * Timestamps as the Airplane API writes them.
 *
 * The API's examples are Postgres text (`2022-01-11 22:32:45.601486+00`) while its Go backend
 * may write RFC 3339 (`2022-01-11T22:32:45.601486Z`); both decode to a `Date`. Dates encode to
 * RFC 3339 in UTC with milliseconds, which the API documents for `since` and `until`.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// date, `T` or space, time, optional fraction, then `Z` or an offset of `+HH`, `+HHMM` or `+HH:MM`
const pattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/

// Date.UTC reads years 0-99 as 1900-1999 (Go's zero time, 0001-01-01, would become 1901): so
// compute 400 years later and shift back, 400 Gregorian years being exactly 146097 days.
const fourCenturies = 146_097 * 86_400_000

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year + 400, month, 0)).getUTCDate()

/**
 * Parses an RFC 3339 or Postgres timestamp; `undefined` when the text is neither or names a
 * time that does not exist (month 13, February 30, minute 60).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Date | undefined => {
  const match = pattern.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = match
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = Number(s)
  const offsetHours = zulu ? 0 : Number(offH)
  const offsetMinutes = zulu ? 0 : Number(offM ?? "0")
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59
  ) {
    return undefined
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"))
  const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes)
  const time = Date.UTC(year + 400, month - 1, day, hour, minute, second, millis) - fourCenturies - offset * 60_000
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? undefined : date
}

const inFourDigitYears = (date: Date): boolean => {
  const year = date.getUTCFullYear()
  return year >= 0 && year <= 9999
}

// RFC 3339 writes years with four digits: a Date outside them would encode as `+010000-…` or
// `-000001-…`, which no parser (this one included) takes back.
const FourDigitYearDate = Schema.ValidDateFromSelf.pipe(
  Schema.filter((date) =>
    inFourDigitYears(date) || `Expected a date in the years 0000 to 9999, got ${date.toISOString()}`
  )
)

/**
 * A timestamp on the wire: RFC 3339 or Postgres text in, `Date` out.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Timestamp } from "@airplane-runs/contract"
 *
 * Schema.decodeSync(Timestamp.Timestamp)("2022-01-11 22:32:45.601486+00")
 * // => 2022-01-11T22:32:45.601Z
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.Schema<Date, string> = Schema.transformOrFail(
  Schema.String,
  FourDigitYearDate,
  {
    strict: true,
    decode: (text, _, ast) => {
      const date = parse(text)
      return date === undefined
        ? ParseResult.fail(
          new ParseResult.Type(
            ast,
            text,
            `Expected an RFC 3339 or Postgres timestamp (2022-01-11T22:32:45Z or 2022-01-11 22:32:45+00), got ${
              JSON.stringify(text)
            }`
          )
        )
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(date.toISOString())
  }
).annotations({
  identifier: "Timestamp",
  description: "A timestamp, RFC 3339 (2022-01-11T22:32:45.601486Z) or Postgres text (2022-01-11 22:32:45.601486+00).",
  jsonSchema: { type: "string", format: "date-time" }
})

/**
 * A timestamp field of a response. The API documents empty strings for times that have not
 * happened yet ("Empty if this run has not started yet"): those and `null` decode to `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
// One transformation, where composing `Timestamp` under two unions and a filter cost more than
// the rest of a run's fields: a page of 50 runs holds 250 of these (see bench/README.md).
export const NullableTimestamp: Schema.Schema<Date | null, string | null> = Schema.transformOrFail(
  Schema.NullOr(Schema.String),
  // The dates `decode` makes are valid and in four-digit years already: checked there once, not
  // again by the parser. Generated values (Arbitrary) keep to them too.
  Schema.NullOr(Schema.DateFromSelf.annotations({
    arbitrary: () => (fc) =>
      fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
  })),
  {
    strict: true,
    decode: (text, _, ast) => {
      if (text === null || text === "") return ParseResult.succeed(null)
      const date = parse(text)
      if (date !== undefined && inFourDigitYears(date)) return ParseResult.succeed(date)
      return ParseResult.fail(
        new ParseResult.Type(
          ast,
          text,
          date === undefined
            ? `Expected an RFC 3339 or Postgres timestamp (2022-01-11T22:32:45Z or 2022-01-11 22:32:45+00), got ${
              JSON.stringify(text)
            }`
            : `Expected a date in the years 0000 to 9999, got ${date.toISOString()}`
        )
      )
    },
    encode: (date, _, ast) =>
      date === null
        ? ParseResult.succeed(null)
        : !Number.isNaN(date.getTime()) && inFourDigitYears(date)
        ? ParseResult.succeed(date.toISOString())
        : ParseResult.fail(new ParseResult.Type(ast, date, "Expected a valid date in the years 0000 to 9999"))
  }
).annotations({
  identifier: "NullableTimestamp",
  jsonSchema: { type: "string", format: "date-time", nullable: true }
})
