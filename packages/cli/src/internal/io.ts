/**
 * The terminal as the commands see it: stdout and stderr, written with back-pressure (a write
 * waits for a full pipe to drain, so a listing of any size holds a page in memory), and
 * whether each is a terminal.
 */
import * as Effect from "effect/Effect"

const writeTo = (stream: NodeJS.WriteStream) => (text: string): Effect.Effect<void> =>
  text === "" ? Effect.void : Effect.async<void>((resume) => {
    if (stream.write(text)) return resume(Effect.void)
    const drained = () => resume(Effect.void)
    stream.once("drain", drained)
    return Effect.sync(() => stream.off("drain", drained))
  })

/** Writes to stdout, waiting while the reader is behind. */
export const out = writeTo(process.stdout)

/** Writes to stderr. */
export const err = writeTo(process.stderr)

/** Whether stdout is a terminal (a person reads it), not a pipe or a file. */
export const outIsTerminal = (): boolean => process.stdout.isTTY === true

/** Whether stderr is a terminal. */
export const errIsTerminal = (): boolean => process.stderr.isTTY === true

/** Whether stdin is a terminal: whether a question can be asked. */
export const inIsTerminal = (): boolean => process.stdin.isTTY === true

/** The width a table must fit: the terminal's, or `COLUMNS`; none for a pipe or a file. */
export const width = (): number | undefined => {
  if (outIsTerminal() && process.stdout.columns > 0) return process.stdout.columns
  const columns = Number(process.env["COLUMNS"])
  return Number.isInteger(columns) && columns > 0 ? columns : undefined
}

/** JSON as a person reads it on a terminal, one line when piped (for jq, grep, a file). */
export const json = (value: unknown): string =>
  `${outIsTerminal() ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`
