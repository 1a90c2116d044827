/** The `tasks` commands: execute. */
import type * as Json from "@airplane-runs/contract/Json"
import * as Runs from "@airplane-runs/core/Runs"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Global from "./global.js"
import * as Io from "./io.js"
import { endedWell } from "./runs.js"
import * as Status from "./status.js"
import { invalid } from "./validation.js"

type Params = { readonly [slug: string]: Json.Json }

const isObject = (value: unknown): value is Params =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Reads `--param` values: `name=text` gives a string, `name:=json` a JSON value (a number, a
 * boolean, an object...), as httpie writes them, so `--param id=007` stays the text "007".
 */
export const parseParam = (text: string): Either.Either<readonly [string, Json.Json], string> => {
  const match = /^([^=:]+)(:?=)([\s\S]*)$/.exec(text)
  if (match === null) return Either.left(`--param takes name=text or name:=json, got "${text}"`)
  const [, name, sign, value] = match
  if (sign === "=") return Either.right([name!, value!])
  try {
    return Either.right([name!, JSON.parse(value!) as Json.Json])
  } catch {
    return Either.left(`--param ${name}:= takes JSON (name=text takes text), got "${value}"`)
  }
}

const execute = Command.make("execute", {
  ...Global.options,
  slug: Args.text({ name: "slug" }).pipe(Args.withDescription("The task's slug, such as hello_world.")),
  params: Options.text("param").pipe(
    Options.withAlias("p"),
    Options.withDescription("A parameter: name=text, or name:=json for a number, a boolean, an object. Repeat it."),
    Options.repeated,
    Options.mapEffect((values) =>
      Effect.mapError(Effect.forEach(values, (value) => parseParam(value)), (message) => invalid(message))
    )
  ),
  paramsJson: Options.fileParse("params-json", "json").pipe(
    Options.withDescription("Parameters from a JSON object in this file; --param values win over its own."),
    Options.mapEffect((value) =>
      isObject(value) ? Effect.succeed(value) : Effect.fail(invalid("--params-json takes a file with a JSON object"))
    ),
    Options.optional
  ),
  wait: Options.boolean("wait").pipe(
    Options.withDescription(
      "Wait for the run: its status changes on stderr as they happen, then its outputs as JSON on stdout. Exits 1 if it ended Failed or Cancelled."
    )
  )
}, (flags) =>
  Global.provide(flags)((global) =>
    Effect.gen(function*() {
      const runs = yield* Runs.Runs
      const paramValues: Params = {
        ...Option.getOrElse(flags.paramsJson, () => ({})),
        ...Object.fromEntries(flags.params)
      }
      const id = yield* runs.execute({ slug: flags.slug, paramValues })
      if (!flags.wait) return yield* Io.out(`${id}\n`)
      yield* Io.err(`Started ${id} (${flags.slug}).\n`)
      const last = yield* runs.watch({ id }, { deadline: Option.getOrUndefined(global.timeout) }).pipe(
        Stream.tap((run) => Io.err(Status.line(run))),
        Stream.runLast
      )
      yield* Io.out(Io.json(yield* runs.getOutputs({ id })))
      yield* endedWell(last)
    })
  )).pipe(
    Command.withDescription("Start a run of a task and print its id; with --wait, follow it to its end.")
  )

/** `airplane-runs tasks ...` */
export const command = Command.make("tasks").pipe(
  Command.withDescription("Start runs of tasks."),
  Command.withSubcommands([execute])
)
