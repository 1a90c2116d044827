/**
 * The CLI at a terminal: each command runs in a pseudo-terminal (util-linux `script`, no
 * native module) 70 columns wide, as a person would run it. The table fits the width, a
 * listing sent to a file draws its progress line on the terminal, JSON is indented, and cancel
 * asks first.
 */
import { RunsServer } from "@airplane-runs/server"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inject } from "vitest"
import { cli } from "../utils/cli.js"

let server: RunsServer.RunningServer
let dir: string

beforeAll(async () => {
  server = await RunsServer.start({
    seed: { runs: 400, until: new Date("2026-01-01T00:00:00Z") },
    lifecycle: { queueMs: 600_000, startMs: 600_000, runMs: 600_000 },
    // A walk long enough for the progress line to be drawn more than once.
    latencyMs: 40
  })
  dir = mkdtempSync(join(tmpdir(), "airplane-runs-tty-"))
})
afterAll(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

const quote = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`

/**
 * Runs a shell line in a pseudo-terminal of 70 columns; `answer` is typed once `prompt` shows.
 * Answers what the terminal showed, in lines, ANSI colours and carriage returns left in.
 */
const session = (line: string, answer?: { readonly prompt: string; readonly keys: string }) =>
  new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const child = spawn("script", ["-qfec", `stty cols 70 rows 40; ${line}`, "/dev/null"], {
      env: {
        ...process.env,
        AIRPLANE_API_HOST: server.url,
        AIRPLANE_API_KEY: server.apiKey,
        TERM: "xterm-256color"
      },
      cwd: dir
    })
    let screen = ""
    let answered = false
    child.stdout.on("data", (chunk) => {
      screen += String(chunk)
      if (answer !== undefined && !answered && screen.includes(answer.prompt)) {
        answered = true
        child.stdin.write(answer.keys)
      }
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, screen }))
  })

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
const bin = () => `${quote(process.execPath)} ${quote(inject("cliBin"))}`

describe("at a terminal", () => {
  it("the table fits the terminal's 70 columns", async () => {
    const { code, screen } = await session(`${bin()} runs list --max 60`)
    assert.strictEqual(code, 0, screen)
    const lines = plain(screen).split("\r\n").filter((line) => line !== "")
    assert.strictEqual(lines.length, 61, screen)
    assert.match(lines[0]!, /^ID +STATUS +CREATED \(UTC\)$/)
    for (const line of lines) assert.isAtMost(line.length, 70, line)
    const runs = server.store.all().slice(0, 60)
    lines.slice(1).forEach((line, i) => assert.isTrue(line.startsWith(`${runs[i]!.id}  `), line))
  })

  it("NDJSON to a file: the progress line on the terminal, redrawn in place, every run in the file", async () => {
    const { code, screen } = await session(`${bin()} runs list -o ndjson > runs.ndjson`)
    assert.strictEqual(code, 0, screen)
    const draws = screen.split("\r\x1b[K").filter((draw) => draw !== "")
    assert.isAtLeast(draws.length, 2, screen)
    // 8 full pages, and the empty one that says there are no more.
    assert.match(draws.at(-1)!, /^9 pages · 400 runs · [\d,]+ runs\/s · [\d.]+ (?:ms|s)\r\n$/)
    const ids = readFileSync(join(dir, "runs.ndjson"), "utf8").trimEnd().split("\n").map((line) => JSON.parse(line).id)
    assert.deepStrictEqual(ids, server.store.all().map((run) => run.id))
    // Piped, the same walk draws nothing.
    const piped = await cli(["runs", "list", "-o", "ndjson", "--max", "120"], { target: server })
    assert.strictEqual(piped.stderr, "")
  })

  it("JSON indented for the eye", async () => {
    const id = server.store.seeded("Succeeded")!.id!
    const { screen } = await session(`${bin()} runs get ${id}`)
    assert.include(plain(screen), `{\r\n  "id": "${id}",\r\n  "status": "Succeeded",`)
  })

  it("cancel asks, and does what the answer says", async () => {
    const id = (await cli(["tasks", "execute", "hello_world"], { target: server })).stdout.trim()
    const no = await session(`${bin()} runs cancel ${id}`, { prompt: "(y/N)", keys: "n" })
    assert.strictEqual(no.code, 1, no.screen)
    assert.include(plain(no.screen), "Nothing was cancelled.")
    assert.strictEqual(server.store.get(id)!.status, "NotStarted")
    const yes = await session(`${bin()} runs cancel ${id}`, { prompt: "(y/N)", keys: "y" })
    assert.strictEqual(yes.code, 0, yes.screen)
    assert.include(plain(yes.screen), `Cancel run ${id}?`)
    assert.include(plain(yes.screen), `${id}  Cancelled\r\n`)
    assert.strictEqual(server.store.get(id)!.status, "Cancelled")
  })
})
