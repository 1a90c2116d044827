/** The CLI as a user runs it: a child process of the bundled bin, against a server of the test. */
import { spawn } from "node:child_process"
import { inject } from "vitest"

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface Target {
  readonly url: string
  readonly apiKey: string
}

/**
 * Runs `airplane-runs ...args` with the environment given and nothing of the test's own
 * `AIRPLANE_*` variables; `target` sets AIRPLANE_API_HOST and AIRPLANE_API_KEY. stdin is empty.
 */
export const cli = (
  args: ReadonlyArray<string>,
  options: {
    readonly target?: Target
    readonly env?: Record<string, string>
    readonly input?: string
    /** Options of node itself, such as a cap on its heap. */
    readonly node?: ReadonlyArray<string>
  } = {}
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("AIRPLANE_") && name !== "COLUMNS")
    )
    if (options.target !== undefined) {
      env["AIRPLANE_API_HOST"] = options.target.url
      env["AIRPLANE_API_KEY"] = options.target.apiKey
    }
    const child = spawn(process.execPath, [...(options.node ?? []), inject("cliBin"), ...args], {
      env: { ...env, ...options.env, FORCE_COLOR: "0" },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += String(chunk)))
    child.stderr.on("data", (chunk) => (stderr += String(chunk)))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? "")
  })

/** RFC 4180 CSV, as a spreadsheet reads it: quoted fields, doubled quotes, CRLF rows. */
export const parseCsv = (text: string): Array<Record<string, string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === "\"" && text[i + 1] === "\"") {
        field += "\""
        i++
      } else if (c === "\"") {
        quoted = false
      } else {
        field += c
      }
    } else if (c === "\"") {
      quoted = true
    } else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n") {
      row.push(field.replace(/\r$/, ""))
      rows.push(row)
      row = []
      field = ""
    } else {
      field += c
    }
  }
  const [header, ...body] = rows
  return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ""])))
}
