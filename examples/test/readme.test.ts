/**
 * Every TypeScript block of the READMEs compiles against the packages as they are, so none can
 * rot; the blocks marked `<!-- readme: run -->` also run, against the embedded server.
 */
import { RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import ts from "typescript"

const root = fileURLToPath(new URL("../..", import.meta.url))
const examples = join(root, "examples")
// Inside examples/, so the blocks resolve the packages as the examples do.
const out = join(examples, "build", "readme")

interface Block {
  readonly readme: string
  readonly line: number
  readonly code: string
  readonly run: boolean
  readonly file: string
}

const readmes = [
  "README.md",
  ...readdirSync(join(root, "packages")).map((name) => join("packages", name, "README.md"))
]

// A block marked `<!-- readme: continues -->` is a fragment: it is checked after the nearest
// block before it that is not one, so it may use what that block declared.
const blocks: ReadonlyArray<Block> = readmes.flatMap((readme) => {
  const found: Array<Block> = []
  const lines = readFileSync(join(root, readme), "utf8").split("\n")
  let base = ""
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```ts") continue
    const start = i + 1
    const end = lines.indexOf("```", start)
    const code = lines.slice(start, end).join("\n")
    const marker = lines[i - 1]
    const continues = marker === "<!-- readme: continues -->"
    if (!continues) base = code
    // `export {}` makes a block without imports a module, so top-level await compiles.
    found.push({
      readme,
      line: start + 1 - (continues ? base.split("\n").length + 1 : 0),
      code: `${continues ? `${base}\n${code}` : code}\nexport {}\n`,
      run: marker === "<!-- readme: run -->",
      file: join(out, `${readme.replace(/[/.]/g, "_")}_${start + 1}.ts`)
    })
    i = end
  }
  return found
})

describe("README code blocks", () => {
  it("there are blocks to check, and some to run", () => {
    assert.isAbove(blocks.length, 10)
    assert.isAbove(blocks.filter((block) => block.run).length, 1)
  })

  it("every TypeScript block type-checks", () => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    for (const block of blocks) writeFileSync(block.file, block.code)
    const config = ts.getParsedCommandLineOfConfigFile(join(examples, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    })!
    const program = ts.createProgram(blocks.map((block) => block.file), {
      ...config.options,
      noEmit: true,
      composite: false,
      incremental: false,
      // A block shows a call; a name it declares and leaves unused is not a fault.
      noUnusedLocals: false
    })
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const block = blocks.find((b) => b.file === d.file?.fileName)
      const where = block === undefined || d.start === undefined
        ? d.file?.fileName ?? "?"
        : `${block.readme}:${block.line + d.file!.getLineAndCharacterOfPosition(d.start).line}`
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    })
    assert.deepStrictEqual(problems, [])
  }, 120_000)

  it("every pnpm command of a README names a script of the root package.json", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts)
    const commands = readmes.flatMap((readme) =>
      [...readFileSync(join(root, readme), "utf8").matchAll(/npx pnpm@10 (?:run )?([\w:-]+)/g)].map((m) => m[1]!)
    )
    assert.includeMembers(commands, ["install", "demo", "test"])
    for (const command of commands) if (command !== "install") assert.include(scripts, command)
  })

  it("the blocks marked to run run against the embedded server", async () => {
    await using server = await RunsServer.start({
      seed: { runs: 300 },
      lifecycle: { queueMs: 20, startMs: 20, runMs: 50 }
    })
    mkdirSync(out, { recursive: true })
    for (const block of blocks.filter((b) => b.run)) {
      writeFileSync(block.file, block.code)
      const { stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", block.file], {
        cwd: examples,
        env: { ...process.env, AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url }
      })
      assert.strictEqual(stderr, "", `${block.readme}:${block.line}`)
    }
    assert.isAbove(server.requestLog.entries().length, 0)
  }, 60_000)
})
