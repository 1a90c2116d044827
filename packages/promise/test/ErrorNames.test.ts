/**
 * An error's `name` is its class's, in a minified bundle too: a minifier renames classes, so a
 * name read from the constructor (`new.target.name`) would print as "_F".
 */
import { build } from "esbuild"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, assert, describe, it } from "vitest"
import * as Errors from "../src/AirplaneRunsError.js"

const dir = mkdtempSync(join(tmpdir(), "airplane-runs-error-names-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("error names", () => {
  it("survive minification", async () => {
    const result = await build({
      entryPoints: [new URL("../src/AirplaneRunsError.ts", import.meta.url).pathname],
      bundle: true,
      minify: true,
      format: "esm",
      write: false,
      logLevel: "error"
    })
    const file = join(dir, "errors.min.mjs")
    writeFileSync(file, result.outputFiles[0]!.contents)
    const minified = await import(pathToFileURL(file).href) as Record<string, new(message: string) => Error>
    // The minified module's exports are the same classes, under their public names.
    const names = Object.keys(Errors).filter((name) => name.endsWith("Error")).sort()
    assert.isAtLeast(names.length, 14)
    for (const name of names) {
      const error = new minified[name]!("message")
      assert.strictEqual(error.name, name)
      assert.match(String(error.stack), new RegExp(`^${name}: message`))
    }
  })
})
