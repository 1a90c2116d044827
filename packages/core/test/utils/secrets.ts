/**
 * An API key the test server accepts, and one it refuses, both recognisable, so any leak of
 * either into an error, a log line or a span is easy to spot.
 */

/** The key the server of the key tests accepts. */
export const secret = "tkn_SECRET_3f9a7c1e5b2d"

/** A key no server of the tests accepts. */
export const wrongSecret = "tkn_WRONG_8d1e4b7a2c6f"

/** Whether `text` holds either key, or a recognisable piece of the accepted one. */
export const leaks = (text: string) =>
  text.includes(secret) || text.includes(wrongSecret) || text.includes("SECRET_3f9a")
