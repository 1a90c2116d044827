/**
 * The embedded server in a process of its own, so that its CPU is not the client's. Started
 * with its options as JSON in argv[2]; prints one JSON line (url, apiUrl, apiKey) once it
 * listens; stops when its parent closes stdin or sends SIGTERM.
 */
import { RunsServer } from "@airplane-runs/server"

const options = JSON.parse(process.argv[2] ?? "{}") as {
  readonly runs: number
  readonly latencyMs: number
}

const server = await RunsServer.start({
  seed: { seed: 7, tasks: 1, runs: options.runs, until: new Date("2026-01-01T00:00:00Z") },
  // Frozen time: seeded runs keep their status, so every walk sees the same pages.
  clock: "manual",
  latencyMs: options.latencyMs,
  logCapacity: 100
})
process.stdout.write(`${JSON.stringify({ url: server.url, apiUrl: server.apiUrl, apiKey: server.apiKey })}\n`)

const stop = () => {
  void server.stop().then(() => process.exit(0))
}
process.stdin.on("end", stop)
process.stdin.resume()
process.on("SIGTERM", stop)
