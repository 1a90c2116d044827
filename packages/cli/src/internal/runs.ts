/** The `runs` commands: list, get, outputs, cancel, watch. */
import * as Runs from "@airplane-runs/core/Runs"
import type * as RunsError from "@airplane-runs/core/RunsError"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as Terminal from "@effect/platform/Terminal"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ExitCode from "../ExitCode.js"
import * as OutputFormat from "../OutputFormat.js"
import * as TimeSpan from "../TimeSpan.js"
import { CliError, oneLine, usage } from "./errors.js"
import * as Global from "./global.js"
import * as Io from "./io.js"
import * as Progress from "./progress.js"
import * as Status from "./status.js"
import { invalid } from "./validation.js"

const runId = Args.text({ name: "id" }).pipe(Args.withDescription("The run's id, such as run20220111zlq2ig4."))

const time = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(description),
    Options.mapEffect((text) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.mapError(TimeSpan.parseTime(text, new Date(now)), (message) => invalid(`--${name}: ${message}`)))
    ),
    Options.optional
  )

const list = Command.make("list", {
  ...Global.options,
  taskSlug: Options.text("task-slug").pipe(Options.withDescription("Only the runs of this task."), Options.optional),
  taskId: Options.text("task-id").pipe(Options.withDescription("Only the runs of this task, by id."), Options.optional),
  since: time(
    "since",
    `Runs last updated at or after this: an RFC 3339 time, or ${TimeSpan.spanHelp}, for that long ago.`
  ),
  until: time("until", "Runs last updated at or before this, written as --since. Default: now."),
  max: Options.integer("max").pipe(
    Options.withDescription("Stop after this many runs (those --status keeps)."),
    Options.mapEffect((n) => n >= 1 ? Effect.succeed(n) : Effect.fail(invalid(`--max takes 1 or more, got ${n}`))),
    Options.optional
  ),
  status: Options.text("status").pipe(
    Options.withDescription("Only runs with this status; repeat it, or join statuses with commas."),
    Options.repeated,
    Options.mapEffect((values) => Effect.mapError(Status.parse(values), invalid))
  ),
  output: Options.choice("output", OutputFormat.formats).pipe(
    Options.withAlias("o"),
    Options.withDescription("table (fits the terminal), json (an array), ndjson (a run a line) or csv."),
    Options.withDefault("table" as const)
  )
}, (flags) =>
  Global.provide(flags)(() =>
    Effect.gen(function*() {
      if (Option.isSome(flags.taskSlug) && Option.isSome(flags.taskId)) {
        return yield* usage("--task-slug and --task-id both name the task: give one of them.")
      }
      const runs = yield* Runs.Runs
      const writer = OutputFormat.writer(flags.output, { width: Io.width() })
      const progress = yield* Progress.make(Progress.wanted())
      const keep = flags.status.size === 0 ? () => true : (run: Runs.Run) => flags.status.has(run.status!)
      yield* Io.out(writer.begin())
      let left = Option.getOrElse(flags.max, () => Number.POSITIVE_INFINITY)
      yield* runs.listPages({
        taskSlug: Option.getOrUndefined(flags.taskSlug),
        taskID: Option.getOrUndefined(flags.taskId),
        since: Option.getOrUndefined(flags.since),
        until: Option.getOrUndefined(flags.until)
      }).pipe(
        // A page at a time: filtered, its rows written at once, waiting while the pipe is full.
        Stream.mapEffect((page) => {
          const rows = page.runs.filter(keep).slice(0, left)
          left -= rows.length
          return Effect.zipRight(Io.out(writer.rows(rows)), progress.page(page.runs.length, rows.length))
        }),
        // Reading no page past --max.
        Stream.takeUntil(() => left <= 0),
        Stream.runDrain,
        Effect.onExit(() => progress.done)
      )
      yield* Io.out(writer.end())
    })
  )).pipe(
    Command.withDescription(
      "List runs, newest first, across every page: streamed as they come, in the memory of a page."
    )
  )

const get = Command.make(
  "get",
  { ...Global.options, id: runId },
  (flags) =>
    Global.provide(flags)(() =>
      Effect.gen(function*() {
        const runs = yield* Runs.Runs
        yield* Io.out(Io.json(OutputFormat.toJson(yield* runs.get({ id: flags.id }))))
      })
    )
).pipe(
  Command.withDescription("Print a run as JSON (indented on a terminal, one line when piped).")
)

const outputs = Command.make(
  "outputs",
  { ...Global.options, id: runId },
  (flags) =>
    Global.provide(flags)(() =>
      Effect.gen(function*() {
        const runs = yield* Runs.Runs
        yield* Io.out(Io.json(yield* runs.getOutputs({ id: flags.id })))
      })
    )
).pipe(
  Command.withDescription("Print a run's outputs as JSON (null until it has some).")
)

/** How many runs `runs cancel` cancels at once. */
const cancelConcurrency = 4

interface Cancelled {
  readonly line: string
  readonly failure?: RunsError.RunsError | undefined
}

const cancelOne = (runs: Runs.Service, id: string): Effect.Effect<Cancelled> =>
  runs.cancel({ runID: id }).pipe(
    Effect.zipRight(runs.get({ id })),
    Effect.map((run): Cancelled => ({ line: `${id}  ${run.status ?? "-"}\n` })),
    Effect.catchAll((failure) =>
      failure._tag === "BadRequest"
        // A run that has finished cannot be cancelled: say what it became instead.
        ? Effect.match(runs.get({ id }), {
          onFailure: (): Cancelled => ({ line: `${id}  not cancelled: ${oneLine(failure.message)}\n`, failure }),
          onSuccess: (run): Cancelled => ({
            line: `${id}  ${run.status ?? "-"} (had finished: not cancelled)\n`,
            failure
          })
        })
        : Effect.succeed<Cancelled>({ line: `${id}  not cancelled: ${oneLine(failure.message)}\n`, failure })
    )
  )

const cancel = Command.make("cancel", {
  ...Global.options,
  yes: Options.boolean("yes").pipe(Options.withAlias("y"), Options.withDescription("Cancel without asking.")),
  ids: runId.pipe(Args.atLeast(1))
}, (flags) =>
  Global.provide(flags)(() =>
    Effect.gen(function*() {
      const ids = [...new Set(flags.ids)]
      if (!flags.yes) {
        if (!Io.inIsTerminal()) {
          return yield* usage("cancel asks before it cancels, and stdin is not a terminal: add --yes to cancel anyway.")
        }
        const answer = yield* Prompt.confirm({
          message: `Cancel ${ids.length === 1 ? "run" : `${ids.length} runs:`} ${ids.join(", ")}?`,
          initial: false
        }).pipe(
          Effect.catchIf(Terminal.isQuitException, () => Effect.succeed(false))
        )
        if (!answer) {
          return yield* new CliError({ message: "Nothing was cancelled.", exitCode: ExitCode.ExitCode.failed })
        }
      }
      const runs = yield* Runs.Runs
      // In the order given, each line as soon as it and those before it are known.
      const failures = yield* Stream.fromIterable(ids).pipe(
        Stream.mapEffect((id) => cancelOne(runs, id), { concurrency: cancelConcurrency }),
        Stream.tap((result) => Io.out(result.line)),
        Stream.filterMap((result) => Option.fromNullable(result.failure)),
        Stream.runCollect
      )
      const first = Chunk.head(failures)
      if (Option.isSome(first)) {
        return yield* new CliError({
          message: `${failures.length} of ${ids.length} run${ids.length === 1 ? " was" : "s were"} not cancelled.`,
          exitCode: ExitCode.ofRunsError(first.value)
        })
      }
    })
  )).pipe(
    Command.withDescription(
      `Cancel runs, ${cancelConcurrency} at a time, after asking (unless --yes), and print what each became.`
    )
  )

const watch = Command.make(
  "watch",
  { ...Global.options, id: runId },
  (flags) =>
    Global.provide(flags)((global) =>
      Effect.gen(function*() {
        const runs = yield* Runs.Runs
        const last = yield* runs.watch({ id: flags.id }, { deadline: Option.getOrUndefined(global.timeout) }).pipe(
          Stream.tap((run) => Io.out(Status.line(run))),
          Stream.runLast
        )
        yield* endedWell(last)
      })
    )
).pipe(
  Command.withDescription(
    "Print a run's status each time it changes, until it has finished. Exits 1 if it ended Failed or Cancelled."
  )
)

/** Exit 1 when the run waited for did not succeed. */
export const endedWell = (last: Option.Option<Runs.Run>) =>
  Option.isSome(last) && Status.failed(last.value)
    ? Effect.fail(
      new CliError({ message: `run ${last.value.id} ended ${last.value.status}.`, exitCode: ExitCode.ExitCode.failed })
    )
    : Effect.void

/** `airplane-runs runs ...` */
export const command = Command.make("runs").pipe(
  Command.withDescription("List, read, cancel and watch runs."),
  Command.withSubcommands([list, get, outputs, cancel, watch])
)
