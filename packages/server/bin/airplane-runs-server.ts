#!/usr/bin/env node
/**
 * The embedded Airplane Runs API server on a port, for curl, Swagger UI and local
 * development: `airplane-runs-server --port 4010 --runs 1000 --days 7 --latency 20`.
 */
import * as Cli from "../src/Cli.js"
import { RunsServer } from "../src/index.js"

const fail = (message: string): never => {
  console.error(`airplane-runs-server: ${message}\n\n${Cli.usage}`)
  process.exit(2)
}

const parsed = Cli.parse(process.argv.slice(2))
if (parsed._tag === "Help") {
  console.log(Cli.usage)
  process.exit(0)
}
const options = parsed._tag === "Invalid" ? fail(parsed.message) : parsed.options

const server = await RunsServer.start(options).catch((error: unknown) => fail(`could not start: ${String(error)}`))
console.log(Cli.banner(server, options))

const stop = () => {
  server.stop().then(() => process.exit(0), () => process.exit(1))
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
