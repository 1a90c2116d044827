/**
 * A closed connection, as a fault plays it: on a socket, the socket is destroyed (after part of
 * an answer, or before any); in process, where there is no socket, the answer carries a mark
 * that the in-process `fetch` turns into what a client sees on a real socket.
 */
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect } from "effect"
import { IncomingMessage } from "node:http"

/** Marks an answer served in process whose connection a fault closed. */
export const header = "x-embedded-server-reset"

/**
 * The status a client sees of an answer: none when the connection was closed (on a socket no
 * answer, in process a marked one).
 */
export const statusSeen = (response: HttpServerResponse.HttpServerResponse | null): number | null =>
  response === null || response.headers[header] !== undefined ? null : response.status

/**
 * Closes the connection under the request, optionally after writing half of an answer. On a
 * socket: `null`, nothing more to answer. In process: an answer marked with {@link header}.
 */
export const close = (
  request: HttpServerRequest.HttpServerRequest,
  partial?: { readonly status: number; readonly contentType: string; readonly bytes: Uint8Array }
): Effect.Effect<HttpServerResponse.HttpServerResponse | null> => {
  const half = partial === undefined ? undefined : partial.bytes.subarray(0, Math.floor(partial.bytes.length / 2))
  if (!(request.source instanceof IncomingMessage)) {
    return Effect.succeed(
      HttpServerResponse.uint8Array(half ?? new Uint8Array(), {
        status: partial?.status ?? 200,
        contentType: partial?.contentType ?? "application/json",
        headers: { [header]: partial === undefined ? "before-headers" : "mid-body" }
      })
    )
  }
  return Effect.async<null>((resume) => {
    const res = NodeHttpServerRequest.toServerResponse(request)
    const socket = NodeHttpServerRequest.toIncomingMessage(request).socket
    const destroy = () => {
      socket.destroy()
      resume(Effect.succeed(null))
    }
    if (partial === undefined || half === undefined) return destroy()
    res.writeHead(partial.status, {
      "content-type": partial.contentType,
      "content-length": String(partial.bytes.length)
    })
    // Node corks a response's first write until the next tick: destroying the socket now would
    // drop the headers too, and the client would see a plain reset. Close once it is flushed.
    res.write(half, destroy)
  })
}

/** A `fetch` over an in-process handler that plays the marks of {@link close} as fetch reports a closed connection. */
export const webFetch = (handler: (request: Request) => Promise<Response>): typeof globalThis.fetch =>
  (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await handler(new Request(input, init))
    const reset = response.headers.get(header)
    if (reset === null) return response
    const closed = () =>
      new TypeError("fetch failed", { cause: new Error("other side closed (embedded server fault)") })
    if (reset === "before-headers") throw closed()
    const partial = new Uint8Array(await response.arrayBuffer())
    const headers = new Headers(response.headers)
    headers.delete(header)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(partial)
        controller.error(closed())
      }
    })
    return new Response(body, { status: response.status, headers })
  }) as typeof globalThis.fetch
