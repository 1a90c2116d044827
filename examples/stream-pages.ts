/**
 * stream-pages: every run of a large data set, page after page, into an NDJSON file.
 *
 * `listPages` is a Stream: a page is asked for only when the file is ready for more, so memory
 * holds a few pages whatever the size of the data set. The walk runs twice: one page at a time
 * (what a hand-written loop does), then with 8 pages fetched ahead, concurrently and in order.
 * On a terminal a progress bar shows pages, runs and runs/s; elsewhere a summary line does.
 *
 *   pnpm demo stream-pages
 */
import { Runs, RunsError } from "@airplane-runs/core"
import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import type { PlatformError } from "@effect/platform/Error"
import { Console, Effect, Layer, Schedule, Stream } from "effect"
import { createHash } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExampleTarget, layer, layerRuns } from "./shared/Target.js"

/** One walk: where it wrote, how much, how fast, and a digest of the file to compare walks. */
export interface Walk {
  readonly prefetch: number
  readonly path: string
  readonly pages: number
  readonly runs: number
  readonly millis: number
  readonly sha256: string
}

interface Progress {
  pages: number
  runs: number
}

const number = (n: number) => Math.round(n).toLocaleString("en-US")

const progressLine = (progress: Progress, total: number | undefined, millis: number) => {
  const rate = millis > 0 ? progress.runs / (millis / 1000) : 0
  const counts = `${number(progress.runs).padStart(7)} runs ${number(progress.pages).padStart(5)} pages ${
    number(rate).padStart(7)
  } runs/s`
  if (total === undefined || total === 0) return counts
  const width = 24
  const filled = Math.min(width, Math.round((progress.runs / total) * width))
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts}`
}

/**
 * Streams every run to `path`, one JSON object per line, newest first. On a TTY a progress
 * line is redrawn ten times a second while the walk goes on.
 */
export const walkToFile = (
  path: string,
  prefetch: number
): Effect.Effect<Walk, RunsError.RunsError | PlatformError, Runs.Runs | ExampleTarget | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const runs = yield* Runs.Runs
    const target = yield* ExampleTarget
    const fs = yield* FileSystem.FileSystem
    const total = target.server?.store.size()
    const progress: Progress = { pages: 0, runs: 0 }
    const hash = createHash("sha256")
    const started = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const elapsed = Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => now - started)

    const draw = Effect.flatMap(
      elapsed,
      (millis) => Effect.sync(() => process.stdout.write(`\r\x1b[2K  ${progressLine(progress, total, millis)}`))
    )
    const drawing = process.stdout.isTTY
      ? Effect.repeat(draw, Schedule.spaced("100 millis")).pipe(Effect.forkScoped)
      : Effect.void

    yield* Effect.scoped(Effect.gen(function*() {
      yield* drawing
      yield* runs.listPages({}, { prefetch }).pipe(
        Stream.map((page) => {
          progress.pages++
          progress.runs += page.runs.length
          const lines = page.runs.map((run) => JSON.stringify(run) + "\n").join("")
          hash.update(lines)
          return lines
        }),
        // The last page may be empty, and the file sink refuses a write of zero bytes.
        Stream.filter((lines) => lines.length > 0),
        Stream.encodeText,
        Stream.run(fs.sink(path))
      )
    }))
    const millis = yield* elapsed
    if (process.stdout.isTTY) yield* Effect.sync(() => process.stdout.write("\r\x1b[2K"))
    return { prefetch, path, pages: progress.pages, runs: progress.runs, millis, sha256: hash.digest("hex") }
  })

/** Both walks, into `dir`, and what they show. */
export const program = (dir: string) =>
  Effect.gen(function*() {
    const target = yield* ExampleTarget
    yield* Console.log(`Calls go to ${target.description}.`)
    const walks: Array<Walk> = []
    for (const prefetch of [0, 8]) {
      const walk = yield* walkToFile(join(dir, `runs-prefetch-${prefetch}.ndjson`), prefetch)
      walks.push(walk)
      yield* Console.log(
        `prefetch ${String(prefetch).padEnd(2)} ${number(walk.runs).padStart(7)} runs ${
          number(walk.pages).padStart(5)
        } pages in ${(walk.millis / 1000).toFixed(2).padStart(6)} s  ${
          number(walk.runs / (walk.millis / 1000)).padStart(7)
        } runs/s -> ${walk.path}`
      )
    }
    const [sequential, ahead] = walks as [Walk, Walk]
    yield* Console.log(
      `Prefetch was ${(sequential.millis / ahead.millis).toFixed(1)}x faster; both files ${
        sequential.sha256 === ahead.sha256 ? "hold the same runs in the same order" : "DIFFER"
      }. Heap in use: ${number(process.memoryUsage().heapUsed / 2 ** 20)} MB (the server's store included).`
    )
    return walks
  })

/** The data set: 20,000 runs over 8 tasks, with 5 ms of server latency on every page. */
export const serverOptions = { seed: { runs: 20_000, tasks: 8 }, latencyMs: 5 } as const

export const main = Effect.suspend(() =>
  program(mkdtempSync(join(tmpdir(), "airplane-runs-"))).pipe(
    Effect.provide(Layer.merge(layerRuns(layer(serverOptions)), NodeFileSystem.layer))
  )
)
