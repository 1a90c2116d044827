/**
 * The raw answers the server's edge writes beside the API's own: the API's error body, and an
 * answer's bytes and content type, read back to keep, cut or relabel it.
 */
import { HttpServerResponse } from "@effect/platform"

/** An answer with the API's error body, `{"error": ..., "code": ...}`. */
export const error = (
  status: number,
  message: string,
  code?: string | undefined,
  headers: Record<string, string> = {}
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(code === undefined ? { error: message } : { error: message, code }, {
    status,
    headers
  })

/** The bytes of an answer's body: the API's answers are JSON, written whole. */
export const bytes = (response: HttpServerResponse.HttpServerResponse): Uint8Array => {
  const body = response.body
  switch (body._tag) {
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" ? new TextEncoder().encode(body.body) : new Uint8Array()
    default:
      return new Uint8Array()
  }
}

export const contentType = (response: HttpServerResponse.HttpServerResponse): string =>
  response.body._tag === "Uint8Array" ? response.body.contentType : "application/json"
