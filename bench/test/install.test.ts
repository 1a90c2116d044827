import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { apparentBytes } from "../src/install.js"

describe("the install size", () => {
  it("sums the files' sizes under a folder, links as themselves", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-test-"))
    try {
      mkdirSync(join(dir, "a/b"), { recursive: true })
      writeFileSync(join(dir, "one"), "x".repeat(100))
      writeFileSync(join(dir, "a/b/two"), "x".repeat(1_000))
      symlinkSync("a/b/two", join(dir, "link"))
      expect(apparentBytes(dir)).toBe(1_100 + "a/b/two".length)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
