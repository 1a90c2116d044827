/**
 * The command line of `airplane-runs-server`: its flags read into the server's options, and
 * the banner it prints once it listens. Public so that another command line (the `server`
 * command of `@airplane-runs/cli`) serves with the very same flags and banner.
 *
 * @example
 * ```ts
 * import { Cli, RunsServer } from "@airplane-runs/server"
 *
 * const parsed = Cli.parse(["--port", "0", "--days", "7"])
 * if (parsed._tag === "Serve") {
 *   await using server = await RunsServer.start(parsed.options)
 *   console.log(Cli.banner(server, parsed.options))
 * }
 * ```
 *
 * @since 0.2.0
 */
import { Endpoints } from "@airplane-runs/contract"
import { parseArgs } from "node:util"
import * as RunsServer from "./RunsServer.js"
import * as RunStore from "./RunStore.js"

/**
 * The help text of the flags.
 *
 * @since 0.2.0
 * @category constants
 */
export const usage = `Usage: airplane-runs-server [options]

  --port <n>          port to listen on (default 4010; 0 picks a free one)
  --host <addr>       interface to listen on (default ${RunsServer.defaultHost})
  --seed <n>          seed of the generated data set (default ${RunStore.defaultSeed.seed})
  --tasks <n>         number of tasks (default ${RunStore.defaultSeed.tasks})
  --runs <n>          number of seeded runs (default ${RunStore.defaultSeed.runs})
  --days <n>          days the seeded runs span, up to the start (default ${RunStore.defaultSeed.days})
  --until <time>      end that window at this time (ISO 8601) instead of the start: the same data every time
  --timestamps <how>  "mixed" (the default: a quarter of the seeded runs in Postgres text),
                      "postgres" (every timestamp as 2022-01-11 22:32:45.601486+00) or "rfc3339"
  --latency <ms>      delay added before every API answer (default 0)
  --key <key>         an accepted API key; repeat for more (default ${RunsServer.defaultApiKey})
  --clock <kind>      "effect" (real time, the default) or "manual" (moved by POST /_admin/clock/advance)
  -h, --help          show this help`

/**
 * What the command line asks for: the help, nothing usable (and why), or a server with these
 * options.
 *
 * @since 0.2.0
 * @category models
 */
export type Parsed =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Invalid"; readonly message: string }
  | { readonly _tag: "Serve"; readonly options: RunsServer.Options }

class Invalid {
  constructor(readonly message: string) {}
}

const integer = (name: string, value: string | undefined, fallback: number, least = 0): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (Number.isInteger(n) && n >= least) return n
  throw new Invalid(`--${name} takes a whole number of ${least} or more, got "${value}"`)
}

const oneOf = <A extends string>(name: string, value: string | undefined, choices: ReadonlyArray<A>): A | undefined => {
  if (value === undefined || choices.includes(value as A)) return value as A | undefined
  throw new Invalid(`--${name} takes ${choices.map((c) => `"${c}"`).join(", ")}, got "${value}"`)
}

const date = (name: string, value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined
  const parsed = new Date(value)
  if (Number.isNaN(parsed.getTime())) {
    throw new Invalid(`--${name} takes a time such as 2026-01-01T00:00:00Z, got "${value}"`)
  }
  return parsed
}

/**
 * Reads the flags (the arguments after the program's name). Never throws: a flag it does not
 * know, a missing value or a bad one is `Invalid`, with a message to show.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parse = (args: ReadonlyArray<string>): Parsed => {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        tasks: { type: "string" },
        runs: { type: "string" },
        days: { type: "string" },
        until: { type: "string" },
        timestamps: { type: "string" },
        latency: { type: "string" },
        key: { type: "string", multiple: true },
        clock: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    })
    if (values.help) return { _tag: "Help" }
    return {
      _tag: "Serve",
      options: {
        port: integer("port", values.port, 4010),
        host: values.host ?? RunsServer.defaultHost,
        apiKeys: values.key,
        seed: {
          seed: integer("seed", values.seed, RunStore.defaultSeed.seed),
          tasks: integer("tasks", values.tasks, RunStore.defaultSeed.tasks, 1),
          runs: integer("runs", values.runs, RunStore.defaultSeed.runs),
          days: integer("days", values.days, RunStore.defaultSeed.days, 1),
          until: date("until", values.until)
        },
        timestamps: oneOf("timestamps", values.timestamps, ["mixed", "postgres", "rfc3339"]),
        latencyMs: integer("latency", values.latency, 0),
        clock: oneOf("clock", values.clock, ["effect", "manual"])
      }
    }
  } catch (error) {
    // parseArgs throws a TypeError for an unknown flag or a missing value, with a message to show
    return { _tag: "Invalid", message: error instanceof Invalid ? error.message : (error as Error).message }
  }
}

// A banner is read by eye: minutes say which window well enough.
const minutes = (time: Date) => `${time.toISOString().slice(0, 16).replace("T", " ")} UTC`

const timestampsLine = {
  mixed: "RFC 3339, a quarter of the seeded runs in Postgres text",
  postgres: "all in Postgres text",
  rfc3339: "all in RFC 3339"
} as const

/**
 * What the CLI prints once the server listens: where, with what data, and a first request.
 *
 * @since 0.2.0
 * @category formatting
 */
export const banner = (server: RunsServer.Service, options: RunsServer.Options): string => {
  const { since, until } = server.store.window
  const days = Math.round((until.getTime() - since.getTime()) / 86_400_000)
  // With the window ending at the start, its newest runs are still going; a pinned one has ended.
  const live = options.seed?.until === undefined ? "; the newest are still running" : ""
  return `Airplane Runs API (embedded) listening on ${server.url}

  API          ${server.apiUrl}   (header ${Endpoints.apiKeyHeader}: ${server.apiKey})
  Swagger UI   ${server.url}/docs
  OpenAPI      ${server.url}/openapi.json
  Admin        ${server.url}/_admin/requests, /_admin/faults, /_admin/clock/advance
  Data         ${server.store.size()} runs of ${server.store.tasks.length} tasks (${
    server.store.tasks.map((t) => t.slug).join(", ")
  })
               created ${minutes(since)} to ${minutes(until)} (${days} days)${live}
  Timestamps   ${timestampsLine[options.timestamps ?? "mixed"]}

Try:
  curl -s -H '${Endpoints.apiKeyHeader}: ${server.apiKey}' '${server.apiUrl}${Endpoints.list.path}?limit=2'

Ctrl-C stops it.`
}
