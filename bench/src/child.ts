import { spawn } from "node:child_process"

/** Runs `node file args` with env; answers its stdout and its wall time from spawn to exit. */
export const runNode = (
  file: string,
  args: ReadonlyArray<string>,
  env: Record<string, string>
): Promise<{ readonly stdout: string; readonly ms: number }> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [file, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => {
      const ms = performance.now() - start
      if (code === 0) resolve({ stdout, ms })
      else reject(new Error(`bench: node ${file} exited with ${code}`))
    })
  })
