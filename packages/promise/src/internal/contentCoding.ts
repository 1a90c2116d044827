/**
 * The one rule of both transports for a compressed answer. A request without
 * `Accept-Encoding` accepts any coding (RFC 9110 §12.5.3), and proxies in front of APIs do
 * compress: so the client asks for the codings it decodes, decodes them, and refuses any other
 * by name rather than reading its bytes as text.
 *
 * gzip, deflate and br are the codings every `fetch` decodes; the undici transport decodes the
 * same, so both transports accept exactly one set.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"

/** Sent as `Accept-Encoding` by the undici transport (`fetch` sends its own). */
export const acceptEncoding = "gzip, deflate, br"

/** A coding the client decodes (`x-gzip` is `gzip`, RFC 9110 §8.4.1.3). */
export type Coding = "gzip" | "deflate" | "br"

// More layers than this is no honest answer (urllib3 and curl set the same bound, after
// CVE-2022-32206): each one is a decompressor of its own.
const maxCodings = 5

const codingOf: Readonly<Record<string, Coding>> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate", br: "br" }

/**
 * The codings to undo, in the order they were applied (undo them last first); or the problem,
 * naming the coding. `identity` alone is no coding; within a list `fetch` would leave the body
 * as it is, so it is refused there, like any coding the client does not decode.
 */
export const parse = (
  header: string | undefined
): { readonly codings: ReadonlyArray<Coding> } | { readonly refused: string } => {
  if (header === undefined) return { codings: [] }
  const names = header.split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== "")
  if (names.length === 0 || (names.length === 1 && names[0] === "identity")) return { codings: [] }
  if (names.length > maxCodings) {
    return { refused: `the answer's Content-Encoding lists ${names.length} codings, more than ${maxCodings}` }
  }
  const codings: Array<Coding> = []
  for (const name of names) {
    const coding = codingOf[name]
    if (coding === undefined) {
      return {
        refused: `the answer's Content-Encoding is ${
          JSON.stringify(header)
        }: the client cannot decode ${name} (it asks for ${acceptEncoding})`
      }
    }
    codings.push(coding)
  }
  return { codings }
}

/** Answers without a body: a coding named on them is not applied to anything. */
export const hasBody = (status: number): boolean => status !== 204 && status !== 205 && status !== 304

/**
 * The failure for an answer whose coding is refused: a `ResponseError`, which the core reports
 * as an `InvalidResponse` (not retried: the same answer would be refused again) whose reason is
 * the cause's message, naming the coding.
 */
export const refusal = (
  response: HttpClientResponse.HttpClientResponse,
  problem: string
): HttpClientError.ResponseError =>
  new HttpClientError.ResponseError({
    request: response.request,
    response,
    reason: "Decode",
    cause: new Error(problem)
  })
