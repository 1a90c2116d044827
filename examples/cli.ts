/**
 * cli: a short session of `airplane-runs`, the operator's command line, against the embedded
 * server: runs listed as a table, every run to an NDJSON file (with the progress line, when
 * stderr is a terminal), a run started and waited for, a run watched, two runs cancelled.
 * Each command is the real bin, run as a child process with its output on this terminal.
 *
 *   pnpm demo cli
 */
import { RunsServer } from "@airplane-runs/server"
import { spawn } from "node:child_process"
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../packages/cli/bin/airplane-runs.ts", import.meta.url))

/** What the session did, for the reader and for the example's test. */
export interface Session {
  readonly listed: number
  readonly waited: string
  readonly watched: string
  readonly cancelled: ReadonlyArray<string>
  readonly exitCodes: ReadonlyArray<number | null>
  readonly server: RunsServer.RunningServer
}

export interface Options {
  /** Where the commands' stdout and stderr go: this terminal (the demo), or kept (a test). */
  readonly stdio?: "inherit" | "pipe" | undefined
}

export const main = async (options: Options = {}): Promise<Session & AsyncDisposable> => {
  const inherit = options.stdio !== "pipe"
  const dir = mkdtempSync(join(tmpdir(), "airplane-runs-demo-cli-"))
  // 5,000 runs at 10 ms a page: a walk long enough to see its progress line. The server's clock
  // moves only when told: a started run waits, NotStarted, to be cancelled, and moves on (Queued
  // after 1 s, Active after 3 s, done after 6 s) only while a command waits for it or watches it.
  const server = await RunsServer.start({
    seed: { runs: 5_000 },
    latencyMs: 10,
    clock: "manual",
    lifecycle: { queueMs: 1_000, startMs: 2_000, runMs: 3_000 }
  })
  const advancing = async <A>(during: () => Promise<A>): Promise<A> => {
    const ticker = setInterval(() => server.advance!(500), 250)
    try {
      return await during()
    } finally {
      clearInterval(ticker)
    }
  }
  const env = { ...process.env, AIRPLANE_API_HOST: server.url, AIRPLANE_API_KEY: server.apiKey }
  const exitCodes: Array<number | null> = []

  /** `airplane-runs ...args`, shown as typed; answers its stdout when `capture`. */
  const airplaneRuns = async (args: ReadonlyArray<string>, redirect?: string): Promise<string> => {
    console.log(`\n$ airplane-runs ${args.join(" ")}${redirect === undefined ? "" : ` > ${redirect}`}`)
    const file = redirect === undefined ? undefined : openSync(join(dir, redirect), "w")
    const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], {
      env,
      stdio: ["ignore", file ?? "pipe", inherit ? "inherit" : "pipe"]
    })
    let stdout = ""
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk)
      if (inherit) process.stdout.write(chunk)
    })
    child.stderr?.on("data", () => undefined)
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    if (file !== undefined) closeSync(file)
    exitCodes.push(code)
    return stdout
  }

  console.log(`The embedded server listens on ${server.url}; the commands find it in AIRPLANE_API_HOST.`)
  await airplaneRuns(["runs", "list", "--max", "8"])
  await airplaneRuns(["runs", "list", "--output", "ndjson"], "runs.ndjson")
  const listed = readFileSync(join(dir, "runs.ndjson"), "utf8").trimEnd().split("\n").length
  console.log(`(${listed} runs in runs.ndjson, one JSON object a line)`)
  await advancing(() => airplaneRuns(["tasks", "execute", "hello_world", "--param", "name=Ada", "--wait"]))
  const waited = server.store.all({ taskSlug: "hello_world" })[0]!.id!
  const watched = (await airplaneRuns(["tasks", "execute", "send_invoice", "-p", "customer=Acme", "-p", "amount:=120"]))
    .trim()
  await advancing(() => airplaneRuns(["runs", "watch", watched]))
  const cancelled = [
    (await airplaneRuns(["tasks", "execute", "nightly_report"])).trim(),
    (await airplaneRuns(["tasks", "execute", "sync_users"])).trim()
  ]
  await airplaneRuns(["runs", "cancel", "--yes", ...cancelled])
  return {
    listed,
    waited,
    watched,
    cancelled,
    exitCodes,
    server,
    [Symbol.asyncDispose]: async () => {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
