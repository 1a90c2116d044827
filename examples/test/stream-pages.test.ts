import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { ExampleTarget, layerEmbedded, layerRuns, settledSeed } from "../shared/Target.js"
import { heapGrowth, heapLine, program } from "../stream-pages.js"

// `pnpm demo` runs node with --expose-gc, so the example samples the heap after a full GC;
// vitest starts its workers without it. A context made after the flag is set has `gc`.
setFlagsFromString("--expose-gc")
const global = globalThis as { gc?: () => void }
global.gc ??= runInNewContext("gc")

describe("stream-pages", () => {
  it.live("writes every seeded run exactly once, newest first, with and without prefetch, in flat memory", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const dir = mkdtempSync(join(tmpdir(), "airplane-runs-test-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const walks = yield* Effect.ensuring(program(dir), Effect.sync(() => printed.mockRestore()))
      const { server } = yield* ExampleTarget
      const expected = server!.store.all().map((run) => run.id!)
      assert.strictEqual(expected.length, 6_420)
      assert.include(
        lines,
        "The seeded runs had all finished before the server started: none changes during the walks."
      )
      assert.deepStrictEqual(walks.map((walk) => walk.prefetch), [0, 8])
      for (const walk of walks) {
        const written = readFileSync(walk.path, "utf8").split("\n")
        assert.strictEqual(written.pop(), "", "the file ends with a newline")
        assert.deepStrictEqual(written.map((line) => JSON.parse(line).id), expected, walk.path)
        assert.strictEqual(walk.runs, expected.length)
        assert.strictEqual(walk.bytes, Buffer.byteLength(readFileSync(walk.path)))
        assert.strictEqual(walk.pages, 129)
      }
      assert.strictEqual(walks[0]!.sha256, walks[1]!.sha256)
      assert.include(lines.join("\n"), "both files hold the same runs in the same order")

      // The heap along each walk: sampled at the page where the runs read reach a tenth of them,
      // then each time they double, and at the end. It does not grow with the runs read: holding
      // them would take more than the file's size (a decoded run is larger than its JSON), and it
      // rises by less than that.
      for (const walk of walks) {
        assert.deepStrictEqual(walk.heap.map((sample) => sample.runs), [650, 1_300, 2_600, 5_150, 6_420])
        assert.isBelow(heapGrowth(walk), walk.bytes, JSON.stringify(walk.heap))
        assert.include(lines, `            ${heapLine(walk)}`)
      }
      assert.match(heapLine(walks[0]!), /^heap after GC at 650 \/ 1,300 \/ 2,600 \/ 5,150 \/ 6,420 runs: [\d. /]+ MB$/)
      assert.include(lines.join("\n"), "Along both walks the heap stayed within")
    }).pipe(
      Effect.scoped,
      Effect.provide(Layer.merge(layerRuns(layerEmbedded({ seed: settledSeed(6_420) })), NodeFileSystem.layer))
    ))
})
