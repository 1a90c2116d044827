/**
 * `airplane-runs`, the operator's command line of the Airplane Runs API: the command tree
 * (`runs list|get|outputs|cancel|watch`, `tasks execute`, `server`) on @effect/cli, and the
 * program that runs it and ends with an {@link ExitCode.ExitCode}.
 *
 * @example
 * ```ts
 * import { Cli } from "@airplane-runs/cli"
 * import { NodeContext } from "@effect/platform-node"
 * import { Effect } from "effect"
 *
 * // As `airplane-runs runs get run20220111zlq2ig4 --host http://127.0.0.1:4010` would.
 * const exitCode = Cli.run(["runs", "get", "run20220111zlq2ig4", "--host", "http://127.0.0.1:4010"]).pipe(
 *   Effect.provide(NodeContext.layer),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as ExitCode from "./ExitCode.js"
import * as Errors from "./internal/errors.js"
import * as Global from "./internal/global.js"
import * as Io from "./internal/io.js"
import * as RunsCommands from "./internal/runs.js"
import * as Server from "./internal/server.js"
import * as Tasks from "./internal/tasks.js"

/**
 * The CLI's version, as its package.json says (a test keeps them equal).
 *
 * @since 0.2.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * The command tree.
 *
 * @since 0.2.0
 * @category commands
 */
export const command = Global.root.pipe(
  Command.withDescription(
    "The Airplane Runs API from a terminal. The key comes from --api-key or AIRPLANE_API_KEY, the host from --host or AIRPLANE_API_HOST."
  ),
  Command.withSubcommands([RunsCommands.command, Tasks.command, Server.command])
)

const cli = Command.run(command, { name: "airplane-runs", version, executable: "airplane-runs" })

// @effect/cli writes its help and usage errors in ANSI colours; to a pipe or a file, plain.
// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g
const plain = (isTerminal: () => boolean) => (args: ReadonlyArray<unknown>) =>
  isTerminal() ? args : args.map((arg) => typeof arg === "string" ? arg.replace(ansi, "") : arg)

const withPlainConsole = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Console.consoleWith((console) =>
    Effect.withConsole(self, {
      ...console,
      log: (...args) => console.log(...plain(Io.outIsTerminal)(args)),
      error: (...args) => console.error(...plain(Io.errIsTerminal)(args))
    })
  )

/**
 * Runs the command line (the arguments after the program's name) to its end. It never fails:
 * a failure is printed on stderr as one line, `airplane-runs: <what happened and what to do>`
 * (never a stack, never the API key), and answered as its exit code.
 *
 * @since 0.2.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>): Effect.Effect<ExitCode.ExitCode, never, CliApp.CliApp.Environment> =>
  cli(["node", "airplane-runs", ...args]).pipe(
    Effect.as(ExitCode.ExitCode.ok),
    Effect.catchAllCause((cause) => {
      const report = Errors.report(cause)
      return report.line === undefined
        ? Effect.succeed(report.exitCode)
        : Effect.as(Io.err(`airplane-runs: ${report.line}\n`), report.exitCode)
    }),
    withPlainConsole
  )

/**
 * The program of the `airplane-runs` binary: runs `process.argv` and sets `process.exitCode`.
 * Ctrl-C (SIGINT) or SIGTERM interrupts the command, whose requests are aborted, and it exits
 * 130 or 143; a server stops and exits 0, as `airplane-runs-server` does. A closed stdout
 * (`| head`) ends it quietly.
 *
 * @since 0.2.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string> = process.argv): void => {
  const fiber = Effect.runFork(Effect.provide(run(argv.slice(2)), NodeContext.layer))
  let signalled: number | undefined
  const stop = (code: number) => () => {
    signalled = code
    Effect.runFork(Fiber.interrupt(fiber))
  }
  const onInt = stop(ExitCode.ExitCode.interrupted)
  const onTerm = stop(ExitCode.ExitCode.terminated)
  process.once("SIGINT", onInt)
  process.once("SIGTERM", onTerm)
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ExitCode.ok)
  })
  fiber.addObserver((exit) => {
    process.off("SIGINT", onInt)
    process.off("SIGTERM", onTerm)
    process.exitCode = Exit.isSuccess(exit)
      ? exit.value
      : Server.serving
      ? ExitCode.ExitCode.ok
      : signalled ?? ExitCode.ExitCode.interrupted
  })
}
