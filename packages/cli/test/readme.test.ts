/** The package README says what the CLI does: its --help text and its exit codes, kept current. */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Cli from "../src/Cli.js"
import * as ExitCode from "../src/ExitCode.js"
import { cli } from "./utils/cli.js"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const trimLines = (text: string) => text.split("\n").map((line) => line.trimEnd()).join("\n").trimEnd()

describe("the README", () => {
  it("holds the --help text as the CLI prints it", async () => {
    const block = /<!-- help: --help -->\n```text\n([\s\S]*?)\n```/.exec(readme)
    assert.isNotNull(block, "the help block")
    const result = await cli(["--help"])
    assert.strictEqual(result.code, 0)
    assert.notInclude(result.stdout, "\x1b[", "no colours when piped")
    assert.strictEqual(trimLines(result.stdout), block![1]!.trimEnd())
  })

  it("lists every exit code with its meaning", () => {
    const table = /<!-- exit-codes -->\n\| code \| meaning \|\n\| ---: \| --- \|\n((?:\|.*\|\n)+)/.exec(readme)
    assert.isNotNull(table, "the exit code table")
    const rows = table![1]!.trimEnd().split("\n").map((row) => /^\| (\d+) \| (.*) \|$/.exec(row)!.slice(1))
    assert.deepStrictEqual(rows, ExitCode.meanings.map(([code, meaning]) => [String(code), meaning]))
    assert.deepStrictEqual(
      ExitCode.meanings.map(([code]) => code).sort((a, b) => a - b),
      Object.values(ExitCode.ExitCode).sort((a, b) => a - b)
    )
  })

  it("and --version say the package's version", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    assert.strictEqual(Cli.version, manifest.version)
    assert.strictEqual((await cli(["--version"])).stdout.trim(), manifest.version)
  })
})
