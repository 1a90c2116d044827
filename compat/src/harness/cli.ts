/**
 * The harness of the runtimes that run a script from a command line: Node, Bun, Deno. The
 * target comes in `COMPAT_TARGET` (JSON), the results go out on stdout as one line after a
 * marker, which the orchestrator reads.
 */
import { runAll, type Target } from "../checks.js"

const env = (name: string): string | undefined => {
  const deno = (globalThis as any).Deno
  return deno !== undefined ? deno.env.get(name) : (globalThis as any).process?.env?.[name]
}

const target: Target = JSON.parse(env("COMPAT_TARGET") ?? "null")
const results = await runAll(target)
console.log(`COMPAT_RESULTS ${JSON.stringify(results)}`)
