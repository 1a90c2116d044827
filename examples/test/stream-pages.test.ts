import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExampleTarget, layerEmbedded, layerRuns } from "../shared/Target.js"
import { program } from "../stream-pages.js"

describe("stream-pages", () => {
  it.live("writes every seeded run exactly once, newest first, with and without prefetch", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const dir = mkdtempSync(join(tmpdir(), "airplane-runs-test-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const walks = yield* program(dir)
      const { server } = yield* ExampleTarget
      const expected: Array<string> = []
      for (let page = 0;; page++) {
        const runs = server!.store.list({ page })
        expected.push(...runs.map((run) => run.id!))
        if (runs.length < 50) break
      }
      assert.strictEqual(expected.length, 3_210)
      assert.deepStrictEqual(walks.map((walk) => walk.prefetch), [0, 8])
      for (const walk of walks) {
        const written = readFileSync(walk.path, "utf8").split("\n")
        assert.strictEqual(written.pop(), "", "the file ends with a newline")
        assert.deepStrictEqual(written.map((line) => JSON.parse(line).id), expected, walk.path)
        assert.strictEqual(walk.runs, expected.length)
        assert.strictEqual(walk.pages, 65)
      }
      assert.strictEqual(walks[0]!.sha256, walks[1]!.sha256)
      printed.mockRestore()
      assert.include(lines.join("\n"), "both files hold the same runs in the same order")
    }).pipe(
      Effect.scoped,
      Effect.provide(Layer.merge(layerRuns(layerEmbedded({ seed: { runs: 3_210 } })), NodeFileSystem.layer))
    ))
})
