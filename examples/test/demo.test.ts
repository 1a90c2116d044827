import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const examples = fileURLToPath(new URL("..", import.meta.url))

// `pnpm demo <name>` is `tsx --expose-gc demo.ts <name>` in this folder; the environment is
// cleared of AIRPLANE_API_KEY so the demo runs on the embedded server.
const demo = (...args: Array<string>) =>
  promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", "demo.ts", ...args], {
    cwd: examples,
    env: { ...process.env, AIRPLANE_API_KEY: "" }
  })

describe("pnpm demo", () => {
  it("runs the example named, under its heading, and exits 0", async () => {
    const { stdout, stderr } = await demo("faults")
    assert.match(stdout, /^\n== faults: /)
    assert.notInclude(stdout, "== compose")
    assert.include(stdout, "every 429, 503 and reset below is scripted")
    assert.include(stdout, "retry: GET /v0/runs/get: attempt 1 failed with RateLimited 429")
    assert.include(stdout, "ServerError (503) after 1 attempt")
    assert.strictEqual(stderr, "")
  })

  it("refuses an unknown name with the list of examples and exit code 2", async () => {
    const error = await demo("nope").then(() => undefined, (e: { code: number; stderr: string }) => e)
    assert.strictEqual(error?.code, 2)
    assert.include(error?.stderr, "compose, stream-pages, promise, faults")
  })
})
