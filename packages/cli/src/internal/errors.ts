/**
 * What the CLI itself fails with, apart from the client's errors: a usage problem found in a
 * handler, a run that did not succeed, a declined question. And the one rule that turns any
 * failure into a line on stderr and an exit code.
 */
import * as RunsError from "@airplane-runs/core/RunsError"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Option from "effect/Option"
import * as ExitCode from "../ExitCode.js"

/** A failure of the CLI's own, with the code it exits with. */
export class CliError extends Data.TaggedError("CliError")<{
  readonly message: string
  readonly exitCode: ExitCode.ExitCode
}> {}

/** A usage problem: exit 2. */
export const usage = (message: string) => new CliError({ message, exitCode: ExitCode.ExitCode.usage })

/** What to print (none when @effect/cli already did) and the code to exit with. */
export interface Report {
  readonly line: string | undefined
  readonly exitCode: ExitCode.ExitCode
}

/** One line: a message that spans lines (an API's error text) is joined. */
export const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim()

/** The report of a failure: one line that says what happened and what to do, never a stack. */
export const report = (cause: Cause.Cause<unknown>): Report => {
  if (Cause.isInterruptedOnly(cause)) return { line: undefined, exitCode: ExitCode.ExitCode.interrupted }
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    // A defect is a bug of the CLI: still one line, its message, not a stack.
    const defect = Option.getOrUndefined(Cause.dieOption(cause))
    return {
      line: `internal error: ${
        oneLine(defect instanceof Error ? defect.message : String(defect))
      }. Please report it, with the command you ran.`,
      exitCode: ExitCode.ExitCode.failed
    }
  }
  const error = failure.value
  // @effect/cli has printed what was wrong; the way to the help follows it.
  if (ValidationError.isValidationError(error)) {
    return { line: "see airplane-runs --help, or --help after a command.", exitCode: ExitCode.ExitCode.usage }
  }
  if (error instanceof CliError) return { line: oneLine(error.message), exitCode: error.exitCode }
  if (RunsError.isRunsError(error)) return { line: oneLine(error.message), exitCode: ExitCode.ofRunsError(error) }
  if (ConfigError.isConfigError(error)) {
    return { line: `bad configuration: ${oneLine(String(error))}`, exitCode: ExitCode.ExitCode.usage }
  }
  return {
    line: oneLine(error instanceof Error ? error.message : String(error)),
    exitCode: ExitCode.ExitCode.failed
  }
}
