#!/usr/bin/env node
/**
 * The embedded Airplane Runs API server on a port, for curl, Swagger UI and local
 * development: `airplane-runs-server --port 4010 --runs 1000 --latency 20`.
 */
import { parseArgs } from "node:util"
import { RunsServer } from "../src/index.js"

const usage = `Usage: airplane-runs-server [options]

  --port <n>        port to listen on (default 4010; 0 picks a free one)
  --host <addr>     interface to listen on (default 127.0.0.1)
  --seed <n>        seed of the generated data set (default 42)
  --tasks <n>       number of tasks (default 5)
  --runs <n>        number of seeded runs (default 200)
  --latency <ms>    delay added before every API answer (default 0)
  --key <key>       an accepted API key; repeat for more (default ${RunsServer.defaultApiKey})
  --clock <kind>    "effect" (real time, the default) or "manual" (moved by POST /_admin/clock/advance)
  -h, --help        show this help`

const fail = (message: string): never => {
  console.error(`airplane-runs-server: ${message}\n\n${usage}`)
  process.exit(2)
}

const integer = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 ? n : fail(`--${name} takes a whole number of 0 or more, got "${value}"`)
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        tasks: { type: "string" },
        runs: { type: "string" },
        latency: { type: "string" },
        key: { type: "string", multiple: true },
        clock: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    })
  } catch (error) {
    return fail((error as Error).message)
  }
})()

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.clock !== undefined && values.clock !== "effect" && values.clock !== "manual") {
  fail(`--clock takes "effect" or "manual", got "${values.clock}"`)
}

const server = await RunsServer.start({
  port: integer("port", values.port, 4010),
  host: values.host ?? "127.0.0.1",
  apiKeys: values.key,
  seed: {
    seed: integer("seed", values.seed, 42),
    tasks: integer("tasks", values.tasks, 5),
    runs: integer("runs", values.runs, 200)
  },
  latencyMs: integer("latency", values.latency, 0),
  clock: values.clock as "effect" | "manual" | undefined
}).catch((error: unknown) => fail(`could not start: ${String(error)}`))

console.log(`Airplane Runs API (embedded) listening on ${server.url}

  API          ${server.apiUrl}   (header X-Airplane-API-Key: ${server.apiKey})
  Swagger UI   ${server.url}/docs
  OpenAPI      ${server.url}/openapi.json
  Admin        ${server.url}/_admin/requests, /_admin/faults, /_admin/clock/advance
  Data         ${server.store.size()} runs of ${server.store.tasks.length} tasks (${
  server.store.tasks.map((t) => t.slug).join(", ")
})

Try:
  curl -s -H 'X-Airplane-API-Key: ${server.apiKey}' '${server.apiUrl}/runs/list?limit=2'

Ctrl-C stops it.`)

const stop = () => {
  server.stop().then(() => process.exit(0), () => process.exit(1))
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
