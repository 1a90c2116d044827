/**
 * `airplane-runs server`: the embedded server, as `airplane-runs-server` runs it: its own flags,
 * read by the server package's `Cli.parse`, and its banner.
 */
import * as ServerCli from "@airplane-runs/server/Cli"
import * as RunsServer from "@airplane-runs/server/RunsServer"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as ExitCode from "../ExitCode.js"
import { CliError, usage } from "./errors.js"
import * as Io from "./io.js"

/**
 * Whether a server is listening: a signal then stops it as it should stop, and the process
 * exits 0, as `airplane-runs-server` does, not 130 or 143 as an interrupted command.
 */
export let serving = false

export const command = Command.make("server", {
  // Passed through as they are: the server's own parser reads them.
  flags: Args.text({ name: "flag" }).pipe(
    Args.repeated,
    Args.withDescription(`The server's own flags:\n\n${ServerCli.usage.split("\n").slice(2).join("\n")}`)
  )
}, ({ flags }) => {
  const parsed = ServerCli.parse(flags)
  switch (parsed._tag) {
    case "Help":
      return Io.out(`${ServerCli.usage.replace("airplane-runs-server", "airplane-runs server")}\n`)
    case "Invalid":
      return Effect.fail(usage(`server: ${parsed.message}. See airplane-runs server --help.`))
    case "Serve":
      return Effect.acquireRelease(
        Effect.tryPromise({
          try: () => RunsServer.start(parsed.options),
          catch: (error) =>
            new CliError({ message: `server: could not start: ${String(error)}`, exitCode: ExitCode.ExitCode.failed })
        }),
        (server) => Effect.promise(() => server.stop())
      ).pipe(
        Effect.tap((server) => {
          serving = true
          return Io.out(`${ServerCli.banner(server, parsed.options)}\n`)
        }),
        Effect.zipRight(Effect.never),
        Effect.scoped
      )
  }
}).pipe(
  Command.withDescription("Serve the embedded Airplane Runs API on a port, as airplane-runs-server does.")
)
