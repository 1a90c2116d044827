/**
 * Starts the embedded server in a child process and reads where it listens.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export interface ServerInfo {
  readonly url: string
  readonly apiUrl: string
  readonly apiKey: string
}

export interface RunningServer extends ServerInfo {
  readonly stop: () => Promise<void>
}

const script = fileURLToPath(new URL("./children/server.ts", import.meta.url))

/** A server seeded with `runs` runs of one task, answering after `latencyMs`. */
export const startServer = (options: { readonly runs: number; readonly latencyMs: number }): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(options)], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    let out = ""
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.indexOf("\n")
      if (line < 0) return
      child.stdout.off("data", onData)
      const info = JSON.parse(out.slice(0, line)) as ServerInfo
      const exited = new Promise<void>((done) => child.once("exit", () => done()))
      resolve({
        ...info,
        stop: () => {
          child.stdin.end()
          return exited
        }
      })
    }
    child.stdout.on("data", onData)
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench: the server process exited (${code}) before it listened`)))
  })
