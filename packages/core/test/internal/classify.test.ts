/**
 * Reading an answer's status and headers: `Retry-After`.
 */
import { assert, describe, it } from "@effect/vitest"
import { parseRetryAfter } from "../../src/internal/classify.js"

const now = Date.parse("2026-01-01T00:00:00Z")

describe("parseRetryAfter", () => {
  it("reads delay seconds, and a fraction of a second rounded up", () => {
    assert.strictEqual(parseRetryAfter("0", now), 0)
    assert.strictEqual(parseRetryAfter("3", now), 3_000)
    assert.strictEqual(parseRetryAfter(" 120 ", now), 120_000)
    assert.strictEqual(parseRetryAfter("1.5", now), 1_500)
    assert.strictEqual(parseRetryAfter("0.0001", now), 1)
  })

  it("reads the three forms of an HTTP-date, from now, and a date past as no wait", () => {
    assert.strictEqual(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now), 7_000)
    assert.strictEqual(parseRetryAfter("Thursday, 01-Jan-26 00:00:09 GMT", now), 9_000)
    assert.strictEqual(parseRetryAfter("Thu Jan  1 00:00:11 2026", now), 11_000)
    assert.strictEqual(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now), 0)
  })

  it("reads anything else as no ask, not as a date of 2001 that means 'retry now'", () => {
    for (const value of ["-5", "2.", "1e3", "0x10", "soon", "5 seconds", "2026-01-01T00:00:09Z", "", undefined]) {
      assert.isUndefined(parseRetryAfter(value, now), JSON.stringify(value))
    }
  })
})
