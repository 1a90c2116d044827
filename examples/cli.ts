/**
 * cli: a short session of `airplane-runs`, the operator's command line, against the embedded
 * server: runs listed as a table, every run to an NDJSON file (with the progress line, when
 * stderr is a terminal), a run started and waited for, a run watched, two runs cancelled.
 * The listing to a file is the real bin, a child process whose stdout is the file; the other
 * commands run in this process (`Cli.run`, what the bin runs), their output on this terminal.
 *
 *   pnpm demo cli
 */
import { Cli } from "@airplane-runs/cli"
import { RunsServer } from "@airplane-runs/server"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect } from "effect"
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

export const main = async (): Promise<Session & AsyncDisposable> => {
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
    const ticker = setInterval(() => server.advance!(500), 200)
    try {
      return await during()
    } finally {
      clearInterval(ticker)
    }
  }
  // The commands find the server as a user's shell tells them: in AIRPLANE_API_HOST and _KEY.
  const variables = { AIRPLANE_API_HOST: server.url, AIRPLANE_API_KEY: server.apiKey }
  const exitCodes: Array<number | null> = []
  const show = (args: ReadonlyArray<string>, redirect?: string) =>
    console.log(`\n$ airplane-runs ${args.join(" ")}${redirect === undefined ? "" : ` > ${redirect}`}`)

  /** `airplane-runs ...args`, in this process, its output on this terminal. */
  const airplaneRuns = async (args: ReadonlyArray<string>): Promise<void> => {
    show(args)
    exitCodes.push(
      await Cli.run(args).pipe(
        Effect.withConfigProvider(ConfigProvider.fromJson(variables)),
        Effect.provide(NodeContext.layer),
        Effect.runPromise
      )
    )
  }
  // The run a `tasks execute` just started: the newest of its task.
  const newest = (taskSlug: string) => server.store.all({ taskSlug })[0]!.id!

  /** `airplane-runs ...args > file`: the bin, its stdout the file, its stderr this terminal's. */
  const toFile = async (args: ReadonlyArray<string>, redirect: string) => {
    show(args, redirect)
    const file = openSync(join(dir, redirect), "w")
    const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], {
      env: { ...process.env, ...variables },
      stdio: ["ignore", file, "inherit"]
    })
    exitCodes.push(await new Promise<number | null>((resolve) => child.on("close", resolve)))
    closeSync(file)
  }

  console.log(`The embedded server listens on ${server.url}; the commands find it in AIRPLANE_API_HOST.`)
  await airplaneRuns(["runs", "list", "--max", "8"])
  await toFile(["runs", "list", "--output", "ndjson"], "runs.ndjson")
  const listed = readFileSync(join(dir, "runs.ndjson"), "utf8").trimEnd().split("\n").length
  console.log(`(${listed} runs in runs.ndjson, one JSON object a line)`)
  await advancing(() => airplaneRuns(["tasks", "execute", "hello_world", "--param", "name=Ada", "--wait"]))
  const waited = newest("hello_world")
  await airplaneRuns(["tasks", "execute", "send_invoice", "-p", "customer=Acme", "-p", "amount:=120"])
  const watched = newest("send_invoice")
  await advancing(() => airplaneRuns(["runs", "watch", watched]))
  await airplaneRuns(["tasks", "execute", "nightly_report"])
  await airplaneRuns(["tasks", "execute", "sync_users"])
  const cancelled = [newest("nightly_report"), newest("sync_users")]
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
