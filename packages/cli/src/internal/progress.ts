/**
 * The progress line of a long listing: pages and runs walked, runs a second, redrawn in place
 * on stderr at most ten times a second. Shown when stderr is a terminal and stdout is not (the
 * runs go to a file or a pipe), as curl shows its meter; never when stderr is piped.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as TimeSpan from "../TimeSpan.js"
import * as Io from "./io.js"

export interface Progress {
  /** A page was read: its runs, and how many of them were written. */
  readonly page: (runs: number, written: number) => Effect.Effect<void>
  /** The walk ended: the line is drawn a last time and kept, or cleared. */
  readonly done: Effect.Effect<void>
}

const number = (n: number) => Math.round(n).toLocaleString("en-US")

/** Whether a walk shows its progress: stderr is a terminal, stdout is not. */
export const wanted = (): boolean => Io.errIsTerminal() && !Io.outIsTerminal()

export const make = (enabled: boolean): Effect.Effect<Progress> =>
  Effect.gen(function*() {
    if (!enabled) return { page: () => Effect.void, done: Effect.void }
    const start = yield* Clock.currentTimeMillis
    let pages = 0
    let runs = 0
    let written = 0
    let drawn = Number.NEGATIVE_INFINITY
    const text = (now: number) => {
      const seconds = (now - start) / 1_000
      const rate = seconds > 0 ? ` · ${number(runs / seconds)} runs/s` : ""
      const kept = written === runs ? "" : ` · ${number(written)} written`
      return `${number(pages)} page${pages === 1 ? "" : "s"} · ${number(runs)} runs${kept}${rate} · ${
        TimeSpan.format(now - start)
      }`
    }
    const draw = (now: number) => {
      drawn = now
      return Io.err(`\r\x1b[K${text(now)}`)
    }
    return {
      page: (n, w) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          pages++
          runs += n
          written += w
          return now - drawn >= 100 ? draw(now) : Effect.void
        }),
      done: Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.zipRight(draw(now), Io.err("\n")))
    }
  })
