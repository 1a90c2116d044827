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

// The grammar read, character by character (a regular expression and its eleven captured
// strings cost three times as much, and a page of runs holds 250 timestamps):
//   YYYY-MM-DD, `T`, `t` or a space, HH:MM:SS, an optional fraction `.d+`, then `Z`, `z`, or an
//   offset `+HH`, `+HHMM` or `+HH:MM` (`-` alike).

// Date.UTC reads years 0-99 as 1900-1999 (Go's zero time, 0001-01-01, would become 1901): so
// compute 400 years later and shift back, 400 Gregorian years being exactly 146097 days.
const fourCenturies = 146_097 * 86_400_000

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : monthDays[month - 1]

/** The number written by `count` digits at `at`, or -1 if any of them is not a digit. */
const digits = (text: string, at: number, count: number): number => {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48
    if (!(digit >= 0 && digit <= 9)) return -1
    value = value * 10 + digit
  }
  return value
}

const isDigit = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at)
  return code >= 48 && code <= 57
}

/**
 * Parses an RFC 3339 or Postgres timestamp; `undefined` when the text is neither or names a
 * time that does not exist (month 13, February 30, minute 60).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Date | undefined => {
  if (
    text.length < 20 || text[4] !== "-" || text[7] !== "-" || text[13] !== ":" || text[16] !== ":" ||
    (text[10] !== "T" && text[10] !== "t" && text[10] !== " ")
  ) {
    return undefined
  }
  const year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2)
  const hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2)
  let at = 19
  let millis = 0
  if (text[at] === ".") {
    const first = ++at
    while (isDigit(text, at)) at++
    if (at === first) return undefined
    // Milliseconds: the first three digits of the fraction, the rest dropped.
    for (let i = first; i < first + 3; i++) millis = millis * 10 + (i < at ? text.charCodeAt(i) - 48 : 0)
  }
  let offsetHours = 0, offsetMinutes = 0, sign = 1
  const zone = text[at]
  if (zone === "Z" || zone === "z") {
    if (at + 1 !== text.length) return undefined
  } else if (zone === "+" || zone === "-") {
    sign = zone === "-" ? -1 : 1
    offsetHours = digits(text, at + 1, 2)
    const rest = text.length - (at + 3)
    if (rest === 0) offsetMinutes = 0
    else if (rest === 2) offsetMinutes = digits(text, at + 3, 2)
    else if (rest === 3 && text[at + 3] === ":") offsetMinutes = digits(text, at + 4, 2)
    else return undefined
  } else {
    return undefined
  }
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59
  ) {
    return undefined
  }
  const offset = sign * (offsetHours * 60 + offsetMinutes)
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
