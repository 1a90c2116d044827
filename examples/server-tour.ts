/**
 * A tour of the embedded Runs API server over plain HTTP: start it, list and read runs, start
 * one and watch it finish, cancel one, and see a scripted fault. The client packages will
 * replace the hand-written fetch calls here; the server is what a test suite gets today.
 */
import { RunsServer } from "@airplane-runs/server"

/** What the tour did, so a test can check it. */
export interface TourResult {
  readonly listed: number
  readonly executedStatus: string | undefined
  readonly cancelledStatus: string | undefined
  readonly faultStatuses: ReadonlyArray<number>
}

export const tour = async (print: (line: string) => void = console.log): Promise<TourResult> => {
  await using server = await RunsServer.start({
    seed: { runs: 500 },
    clock: "manual",
    lifecycle: { queueMs: 1_000, startMs: 2_000, runMs: 10_000 }
  })
  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await fetch(`${server.apiUrl}${path}`, {
      method,
      headers: { "X-Airplane-API-Key": server.apiKey, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, json: await response.json().catch(() => null) as any }
  }

  print(`Embedded server on ${server.url}: ${server.store.size()} seeded runs, Swagger UI at ${server.url}/docs`)

  const page = await call("GET", "/runs/list?taskSlug=hello_world&limit=5")
  print(`\nGET /runs/list?taskSlug=hello_world&limit=5 -> ${page.status}, newest first:`)
  for (const run of page.json.runs) print(`  ${run.id}  ${run.status.padEnd(10)} created ${run.createdAt}`)

  const started = await call("POST", "/tasks/execute", { slug: "send_invoice", paramValues: { customer: "acme" } })
  const runID: string = started.json.runID
  print(`\nPOST /tasks/execute {slug: send_invoice} -> ${started.status} ${runID}`)
  let executedStatus: string | undefined
  for (const step of [0, 1_500, 2_000, 10_000]) {
    server.advance!(step)
    executedStatus = (await call("GET", `/runs/get?id=${encodeURIComponent(runID)}`)).json.status
    print(`  after +${String(step).padStart(6)} ms on the server's manual clock: ${executedStatus}`)
  }
  const outputs = await call("GET", `/runs/getOutputs?id=${encodeURIComponent(runID)}`)
  print(`  GET /runs/getOutputs -> ${JSON.stringify(outputs.json)}`)

  const other = (await call("POST", "/tasks/execute", { slug: "sync_users" })).json.runID as string
  const cancel = await call("POST", "/runs/cancel", { runID: other })
  const cancelledStatus: string | undefined = (await call("GET", `/runs/get?id=${other}`)).json.status
  print(`\nPOST /runs/cancel {runID: ${other}} -> ${cancel.status}; the run is now ${cancelledStatus}`)
  const again = await call("POST", "/runs/cancel", { runID: other })
  print(`  cancelling it again -> ${again.status} ${JSON.stringify(again.json)}`)

  server.faults.add({ route: "runs/get", kind: "status", status: 503, retryAfter: "1", times: 2 })
  const faultStatuses: Array<number> = []
  for (let i = 0; i < 3; i++) faultStatuses.push((await call("GET", `/runs/get?id=${runID}`)).status)
  print(`\nScripted fault: two 503s on runs/get -> statuses ${faultStatuses.join(", ")}`)
  print(`The request log holds ${server.requestLog.entries().length} requests, the API key shown as [redacted].`)

  return { listed: page.json.runs.length, executedStatus, cancelledStatus, faultStatuses }
}
