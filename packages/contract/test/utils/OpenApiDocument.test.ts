/**
 * Where the contract's checks find the API's OpenAPI document: a plain clone has none beside it
 * and must still pass `pnpm test`, with those checks reported as skipped and how to run them.
 */
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { besideRepository, locateSpec } from "./OpenApiDocument.js"

let present: string
let absent: string

describe("locateSpec", () => {
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "airplane-runs-spec-"))
    present = join(dir, "airplane-openapi.yaml")
    writeFileSync(present, "openapi: 3.0.0\n")
    absent = join(dir, "absent", "airplane-openapi.yaml")
    return () => rmSync(dir, { recursive: true, force: true })
  })

  it("is looked for beside the repository, as CI lays it out", () => {
    assert.match(besideRepository, /[/\\]shared[/\\]reference[/\\]airplane-openapi\.yaml$/)
    assert.deepStrictEqual(locateSpec(undefined, present), { _tag: "Found", path: present })
  })

  it("takes AIRPLANE_OPENAPI_SPEC first", () => {
    assert.deepStrictEqual(locateSpec(present, absent), { _tag: "Found", path: present })
  })

  it("without either, is skipped with a message that says so and how to run the checks", () => {
    for (const fromEnv of [undefined, ""]) {
      const location = locateSpec(fromEnv, absent)
      assert.strictEqual(location._tag, "Skipped")
      assert.include(location.path, absent)
      if (location._tag !== "Skipped") return
      assert.match(location.message, /^SKIPPED: /)
      assert.include(location.message, absent)
      assert.include(location.message, "AIRPLANE_OPENAPI_SPEC")
    }
  })

  it("a copy named by AIRPLANE_OPENAPI_SPEC that does not exist fails instead of skipping", () => {
    const location = locateSpec(absent, present)
    assert.strictEqual(location._tag, "Missing")
    if (location._tag === "Missing") assert.include(location.message, absent)
  })
})
