/**
 * The options every client command takes (`--host`, `--api-key`, `--env-slug`, `--timeout`,
 * `--max-retries`, `--verbose`), and the Runs service they make: core's own `layerConfig`, fed
 * the flags that were given and reading the `AIRPLANE_*` variables for the rest.
 */
import * as Runs from "@airplane-runs/core/Runs"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ExitCode from "../ExitCode.js"
import * as TimeSpan from "../TimeSpan.js"
import { CliError } from "./errors.js"
import { invalid } from "./validation.js"

const env = Runs.environmentVariables

/** The global options, as @effect/cli reads them. */
export const options = {
  host: Options.text("host").pipe(
    Options.withDescription(`The API's origin, such as https://api.airplane.dev. Default: ${env.host}, else that.`),
    Options.optional
  ),
  apiKey: Options.redacted("api-key").pipe(
    Options.withDescription(`The API key (tkn_...). Default: ${env.apiKey}. Never printed.`),
    Options.optional
  ),
  envSlug: Options.text("env-slug").pipe(
    Options.withDescription(`The environment to work in. Default: ${env.envSlug}.`),
    Options.optional
  ),
  timeout: Options.text("timeout").pipe(
    Options.withDescription(
      `The most each request may take, its retries included (with --wait, the whole wait): ${TimeSpan.spanHelp}.`
    ),
    Options.mapEffect((text) =>
      Effect.mapError(TimeSpan.parseSpan(text), (message) => invalid(`--timeout: ${message}`))
    ),
    Options.optional
  ),
  maxRetries: Options.integer("max-retries").pipe(
    Options.withDescription("Retries of a request that failed in a way that may pass (429, 5xx, a reset). Default 4."),
    Options.mapEffect((n) =>
      n >= 0 ? Effect.succeed(n) : Effect.fail(invalid(`--max-retries takes 0 or more, got ${n}`))
    ),
    Options.optional
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withAlias("v"),
    Options.withDescription("Log each retry on stderr: the attempt, what failed and the wait.")
  )
}

/** The global options, read. */
export interface Global {
  readonly host: Option.Option<string>
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly envSlug: Option.Option<string>
  readonly timeout: Option.Option<Duration.Duration>
  readonly maxRetries: Option.Option<number>
  readonly verbose: boolean
}

// A flag, when given, stands in for its variable; the variable is read by core's reader.
const fromFlag = <A>(flag: Option.Option<A>) =>
  Option.match(flag, { onNone: () => undefined, onSome: (value) => Config.succeed(value) })

/**
 * The Runs service of the global options. A problem with a flag's value is named by the flag
 * (`--host: ...`), one with a variable's by the variable, as core names it.
 */
export const layer = (global: Global) => {
  const flags = { host: "--host", apiKey: "--api-key", envSlug: "--env-slug" } as const
  const given = Object.fromEntries(
    Object.entries(flags).filter(([field]) =>
      Option.isSome(global[field as keyof typeof flags] as Option.Option<unknown>)
    )
  )
  const runs = Runs.layerConfig({
    host: fromFlag(global.host),
    apiKey: fromFlag(global.apiKey),
    envSlug: fromFlag(global.envSlug),
    ...Option.match(global.maxRetries, {
      onNone: () => ({}),
      onSome: (retries) => ({ retry: { maxAttempts: retries + 1 } })
    }),
    ...Option.match(global.timeout, { onNone: () => ({}), onSome: (deadline) => ({ deadline }) })
  }).pipe(Layer.mapError((error) =>
    error._tag !== "InvalidRequest"
      ? error
      : error.issues.some((issue) => issue.startsWith(`${env.apiKey}: is not set`))
      // core's words are for a program (Runs.layer); a person at a terminal has a flag.
      ? new CliError({
        message: `no API key: set ${env.apiKey} to your API key (tkn_...), or pass --api-key.`,
        exitCode: ExitCode.ExitCode.usage
      })
      : error.relabel(given)
  ))
  return Layer.provide(runs, NodeHttpClient.layerUndici)
}

/**
 * Logs on stderr, never stdout (which carries the command's output): with `--verbose` down to
 * Debug, where core logs each retry; otherwise warnings and worse only.
 */
export const logging = (verbose: boolean) =>
  Layer.merge(
    Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)),
    Logger.minimumLogLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
  )

/**
 * The root command, `airplane-runs`, which takes the global options too: before the command
 * (`airplane-runs --host ... runs list`) as after it (`airplane-runs runs list --host ...`),
 * where they win.
 */
export const root = Command.make("airplane-runs", options)

const merge = (before: Global, after: Global): Global => ({
  host: Option.orElse(after.host, () => before.host),
  apiKey: Option.orElse(after.apiKey, () => before.apiKey),
  envSlug: Option.orElse(after.envSlug, () => before.envSlug),
  timeout: Option.orElse(after.timeout, () => before.timeout),
  maxRetries: Option.orElse(after.maxRetries, () => before.maxRetries),
  verbose: before.verbose || after.verbose
})

/**
 * Runs a command's program with the Runs service and the logging of the global options, those
 * given after the command over those given before it.
 */
export const provide = (global: Global) => <A, E, R>(program: (global: Global) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(root, (before) => {
    const merged = merge(before, global)
    return program(merged).pipe(Effect.provide(layer(merged)), Effect.provide(logging(merged.verbose)))
  })
