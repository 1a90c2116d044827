/**
 * stream-pages: every run of a large data set, page after page, into an NDJSON file.
 *
 * `listPages` is a Stream: a page is asked for only when the file is ready for more, so memory
 * holds a few pages whatever the size of the data set. The walk runs twice: one page at a time
 * (what a hand-written loop does), then with 8 pages fetched ahead, concurrently and in order.
 * On a terminal a progress bar shows pages, runs and runs/s; elsewhere a summary line does.
 * Along each walk the heap in use is sampled as the runs read double (after a full GC when
 * node runs with --expose-gc, as `pnpm demo` does): it stays flat while the file grows.
 *
 *   pnpm demo stream-pages
 */
import { Runs, RunsError } from "@airplane-runs/core"
import type { RunsServer } from "@airplane-runs/server"
import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import type { PlatformError } from "@effect/platform/Error"
import { Console, Effect, Layer, Schedule, Stream } from "effect"
import { createHash } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExampleTarget, layer, layerRuns, settledSeed } from "./shared/Target.js"

/** One walk: where it wrote, how much, how fast, and a digest of the file to compare walks. */
export interface Walk {
  readonly prefetch: number
  readonly path: string
  readonly pages: number
  readonly runs: number
  /** The bytes written to the file. */
  readonly bytes: number
  /** The walk's time, the example's own heap sampling left out. */
  readonly millis: number
  readonly sha256: string
  /** The heap in use as the walk went on, the last sample taken when it had ended. */
  readonly heap: ReadonlyArray<HeapSample>
}

/** The heap in use (`process.memoryUsage().heapUsed`) once `runs` runs had been read. */
export interface HeapSample {
  readonly runs: number
  readonly bytes: number
}

// With `node --expose-gc`, a full collection before each sample leaves only what is still held,
// so the samples compare; without it they also count garbage not yet collected.
const gc = () => (globalThis as { gc?: () => void }).gc

const heapSample = (runs: number): HeapSample => {
  gc()?.()
  return { runs, bytes: process.memoryUsage().heapUsed }
}

interface Progress {
  pages: number
  runs: number
}

const number = (n: number) => Math.round(n).toLocaleString("en-US")
const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)

/** One line: the heap at each sample, against the runs read by then. */
export const heapLine = (walk: Walk) => {
  const runs = walk.heap.map((sample) => number(sample.runs)).join(" / ")
  const sizes = walk.heap.map((sample) => megabytes(sample.bytes)).join(" / ")
  return `heap${gc() === undefined ? "" : " after GC"} at ${runs} runs: ${sizes} MB`
}

/** How far the heap rose above the walk's first sample. */
export const heapGrowth = (walk: Walk) => Math.max(0, ...walk.heap.map((sample) => sample.bytes - walk.heap[0]!.bytes))

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
 * line is redrawn ten times a second while the walk goes on. The heap is sampled each time the
 * runs read double, from a tenth of the data set (when the target says how large it is) or
 * else from 1,000 runs, and once the walk has ended.
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
    let bytes = 0
    const heap: Array<HeapSample> = []
    let nextSample = total === undefined ? 1_000 : Math.max(1, Math.round(total / 10))
    // The time the samples took (a full GC is ~100 ms on a large heap) is not the walk's.
    let samplingMs = 0
    const sample = () => {
      const started = performance.now()
      heap.push(heapSample(progress.runs))
      samplingMs += performance.now() - started
    }
    const started = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const elapsed = Effect.map(
      Effect.clockWith((clock) => clock.currentTimeMillis),
      (now) => now - started - samplingMs
    )

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
          bytes += Buffer.byteLength(lines)
          if (progress.runs >= nextSample) {
            sample()
            while (nextSample <= progress.runs) nextSample *= 2
          }
          return lines
        }),
        // The last page may be empty, and the file sink refuses a write of zero bytes.
        Stream.filter((lines) => lines.length > 0),
        Stream.encodeText,
        Stream.run(fs.sink(path))
      )
    }))
    const millis = yield* elapsed
    sample()
    if (process.stdout.isTTY) yield* Effect.sync(() => process.stdout.write("\r\x1b[2K"))
    return {
      prefetch,
      path,
      pages: progress.pages,
      runs: progress.runs,
      bytes,
      millis,
      sha256: hash.digest("hex"),
      heap
    }
  })

/** Both walks, into `dir`, and what they show. */
export const program = (dir: string) =>
  Effect.gen(function*() {
    const target = yield* ExampleTarget
    yield* Console.log(`Calls go to ${target.description}.`)
    const store = target.server?.store
    if (store !== undefined && store.now() - store.window.until.getTime() >= settledAfterMs) {
      // The API filters on a run's last update: a run that changed during a walk would be out
      // of the pages read after that, and the runs behind it would move up a page.
      yield* Console.log("The seeded runs had all finished before the server started: none changes during the walks.")
    }
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
      yield* Console.log(`            ${heapLine(walk)}`)
    }
    const [sequential, ahead] = walks as [Walk, Walk]
    const same = sequential.sha256 === ahead.sha256
    yield* Console.log(
      `Prefetch was ${(sequential.millis / ahead.millis).toFixed(1)}x faster; both files ${
        same ? "hold the same runs in the same order" : "DIFFER"
      }.`
    )
    const growth = megabytes(Math.max(...walks.map(heapGrowth)))
    const inProcess = target.server === undefined ? "" : " (most of the heap is the server's store, in this process)"
    yield* Console.log(
      `Along both walks the heap stayed within ${growth} MB of its first sample while ${
        megabytes(ahead.bytes)
      } MB went to each file:\na walk holds a few pages, not the runs it has read${inProcess}.`
    )
    return walks
  })

// How long after the seeded window's end its newest runs have all finished (a quarter hour).
const settledAfterMs = 20 * 60 * 1_000

/**
 * The embedded server: 20,000 runs over 8 tasks, all finished an hour before it starts, with
 * 5 ms of latency on every page.
 */
export const serverOptions = (): RunsServer.Options => ({ seed: { ...settledSeed(20_000), tasks: 8 }, latencyMs: 5 })

export const main = Effect.suspend(() =>
  program(mkdtempSync(join(tmpdir(), "airplane-runs-"))).pipe(
    Effect.provide(Layer.merge(layerRuns(layer(serverOptions())), NodeFileSystem.layer))
  )
)
