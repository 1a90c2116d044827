/**
 * `pnpm demo [name]`: runs the examples one after the other (or only the one named), each
 * against the embedded server unless AIRPLANE_API_KEY points them at a real API.
 */
import { RunsError } from "@airplane-runs/core"
import { AirplaneRunsError } from "@airplane-runs/promise"
import { Cause, Effect, Exit } from "effect"
import * as compose from "./compose.js"
import * as faults from "./faults.js"
import * as opentelemetry from "./opentelemetry.js"
import * as promise from "./promise.js"
import * as streamPages from "./stream-pages.js"

interface Example {
  readonly about: string
  readonly run: () => Promise<unknown>
}

const effect = <A, E>(main: Effect.Effect<A, E>) => async () => {
  const exit = await Effect.runPromiseExit(main)
  if (Exit.isSuccess(exit)) return exit.value
  // An expected failure reads as its message; only a defect deserves the whole cause.
  const failure = Cause.failureOption(exit.cause)
  throw failure._tag === "Some" && RunsError.isRunsError(failure.value)
    ? failure.value
    : new Error(Cause.pretty(exit.cause))
}

const examples: Record<string, Example> = {
  compose: {
    about: "an Effect program: start a run, await it, read outputs, cancel the unfinished ones",
    run: effect(compose.main)
  },
  "stream-pages": {
    about: "every run of 20,000 to an NDJSON file, page by page, without and with prefetch, in flat memory",
    run: effect(streamPages.main)
  },
  promise: {
    about: "the same jobs with async/await: for await, instanceof errors, an AbortSignal",
    run: () => promise.main()
  },
  faults: {
    about: "the embedded server told to fail: 429s, 503s and a reset ridden through, a non-retryable 503 typed",
    run: effect(faults.main)
  },
  opentelemetry: {
    about: "the client's spans through @effect/opentelemetry: one per operation, HTTP spans below, never the key",
    run: effect(opentelemetry.main)
  },
  cli: {
    about: "airplane-runs at a terminal: a table, NDJSON to a file, a run waited for, one watched, two cancelled",
    // Imported when run: @effect/cli and the CLI's bundle cost every other demo a second.
    run: async () => {
      const cli = await import("./cli.js")
      await using _ = await cli.main()
    }
  }
}

const only = process.argv[2]
if (only !== undefined && !(only in examples)) {
  console.error(`No example "${only}". Examples: ${Object.keys(examples).join(", ")}`)
  process.exit(2)
}
for (const [name, example] of Object.entries(examples)) {
  if (only !== undefined && name !== only) continue
  console.log(`\n== ${name}: ${example.about}\n`)
  try {
    await example.run()
  } catch (error) {
    const known = RunsError.isRunsError(error) || error instanceof AirplaneRunsError
    console.error(`\n${name} failed: ${known || !(error instanceof Error) ? String(error) : error.message}`)
    process.exitCode = 1
  }
}
