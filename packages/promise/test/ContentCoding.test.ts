/**
 * Compressed answers, over real HTTP, through both transports (the undici default and the
 * `fetch` option): a tiny `node:http` server answers the API's shapes in gzip, deflate, br,
 * stacked codings, a coding the client does not decode, and a gzip bomb. The embedded server
 * does not compress; a proxy in front of the real API may.
 */
import { AirplaneRuns, type ClientOptions, InvalidResponseError, NotFoundError } from "@airplane-runs/promise"
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as zlib from "node:zlib"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { rejection, waitFor } from "./utils/server.js"

const apiKey = "tkn_content_coding_3c9a"

/** The codings the server applies, in order, for `GET /v0/runs/get?id=run_<name>`, and the header it sends. */
const answers: Record<string, { readonly header: string; readonly apply: ReadonlyArray<(body: Buffer) => Buffer> }> = {
  gzip: { header: "gzip", apply: [zlib.gzipSync] },
  xgzip: { header: "x-gzip", apply: [zlib.gzipSync] },
  deflate: { header: "deflate", apply: [zlib.deflateSync] },
  br: { header: "br", apply: [zlib.brotliCompressSync] },
  stacked: { header: "deflate, br", apply: [zlib.deflateSync, zlib.brotliCompressSync] },
  identity: { header: "identity", apply: [] },
  // A coding neither transport decodes: its bytes must never be read as the answer.
  zstd: { header: "zstd", apply: [zlib.gzipSync] },
  missing: { header: "gzip", apply: [zlib.gzipSync] }
}

// A run answer with some bulk, so that a body read without decoding cannot pass for JSON.
const runJson = (id: string) =>
  JSON.stringify({
    id,
    status: "Succeeded",
    taskID: "tsk20220111abc",
    createdAt: "2022-01-11T22:32:45.601486Z",
    paramValues: { note: "compressible ".repeat(200) }
  })

// The bomb: gzip members of 1 MiB of zeros each (about 1 KB compressed), sent one by one with a
// pause between them, so that the server sees whether the client hung up before the last.
const bombMember = zlib.gzipSync(Buffer.alloc(1 << 20))
const bombMembers = 256
const maxResponseBytes = 1 << 20

interface BombSent {
  readonly members: number
  readonly finished: boolean
}

let server: Server
let baseUrl: string
const received: Array<IncomingHttpHeaders> = []
const bombs: Array<BombSent> = []

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(request.headers)
    const id = new URL(request.url ?? "/", "http://localhost").searchParams.get("id") ?? ""
    const name = id.replace(/^run_/, "")
    if (name === "bomb") {
      // Less compressed than the cap, far more once inflated.
      response.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(bombMember.length * bombMembers)
      })
      let members = 0
      response.on("close", () => bombs.push({ members, finished: response.writableFinished }))
      const next = () => {
        if (response.destroyed) return
        if (members === bombMembers) return void response.end()
        response.write(bombMember)
        members++
        setTimeout(next, 5)
      }
      return next()
    }
    const answer = answers[name]
    if (answer === undefined) {
      response.writeHead(500).end()
      return
    }
    const status = name === "missing" ? 404 : 200
    const json = status === 404 ? JSON.stringify({ error: `run ${id} not found`, code: "run_not_found" }) : runJson(id)
    const body = answer.apply.reduce<Buffer>((bytes, apply) => apply(bytes), Buffer.from(json))
    response.writeHead(status, {
      "content-type": "application/json",
      "content-encoding": answer.header,
      "content-length": String(body.length)
    })
    response.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
})

beforeEach(() => {
  received.length = 0
  bombs.length = 0
})

const transports: ReadonlyArray<readonly [string, ClientOptions]> = [
  ["the default transport (undici)", {}],
  ["the fetch option", { fetch: globalThis.fetch }]
]

describe.each(transports)("%s", (name, transport) => {
  const client = (options: ClientOptions = {}) =>
    new AirplaneRuns({ apiKey, baseUrl, maxRetries: 0, maxResponseBytes, ...transport, ...options })

  it("decodes gzip, x-gzip, deflate, br and stacked codings, and reads identity as it is", async () => {
    await using runs = client()
    for (const coding of ["gzip", "xgzip", "deflate", "br", "stacked", "identity"]) {
      const run = await runs.runs.get({ id: `run_${coding}` })
      expect(run.id, coding).toBe(`run_${coding}`)
      expect(run.status, coding).toBe("Succeeded")
      expect(run.paramValues, coding).toEqual({ note: "compressible ".repeat(200) })
    }
  })

  it("asks for the codings it decodes", async () => {
    await using runs = client()
    await runs.runs.get({ id: "run_gzip" })
    const [headers] = received
    if (name.includes("undici")) expect(headers!["accept-encoding"]).toBe("gzip, deflate, br")
    // fetch sends its own: gzip and deflate over http (br too over https).
    else expect(headers!["accept-encoding"]).toMatch(/gzip/)
  })

  it("decodes an error answer too: a gzip 404 is NotFoundError with the API's code", async () => {
    await using runs = client()
    const error = await rejection(runs.runs.get({ id: "run_missing" }))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).toMatchObject({ status: 404, code: "run_not_found" })
  })

  it("refuses a coding it cannot decode with an InvalidResponseError that names it, never retried", async () => {
    await using runs = client({ maxRetries: 3, retry: { initialDelayMs: 1 } })
    const error = await rejection(runs.runs.get({ id: "run_zstd" }))
    expect(error).toBeInstanceOf(InvalidResponseError)
    expect((error as Error).message).toMatch(/Content-Encoding is "zstd"/)
    expect((error as Error).message).toMatch(/gzip, deflate, br/)
    expect(received).toHaveLength(1)
  })

  it("bounds a gzip bomb by maxResponseBytes, decoded: it stops reading, and never inflates it in full", async () => {
    await using runs = client()
    const error = await rejection(runs.runs.get({ id: "run_bomb" }))
    expect(error).toBeInstanceOf(InvalidResponseError)
    expect((error as Error).message).toMatch(/maxResponseBytes/)
    await waitFor("the server to see the connection close", () => bombs.length === 1)
    // The client hung up after a few members: it neither read the rest nor inflated it.
    expect(bombs[0]!.finished).toBe(false)
    expect(bombs[0]!.members).toBeLessThan(bombMembers / 2)
  })
})
