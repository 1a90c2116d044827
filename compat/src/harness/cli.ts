/**
 * The harness of the runtimes that run a script from a command line: Node, Bun, Deno. The
 * target comes as the one argument (JSON), not in the environment, so that Deno runs with no
 * permission but the network's; the results go out on stdout as one line after a marker,
 * which the orchestrator reads.
 */
import { runAll, type Target } from "../checks.js"

const deno = (globalThis as any).Deno
const args: ReadonlyArray<string> = deno !== undefined ? deno.args : (globalThis as any).process.argv.slice(2)
const target: Target = JSON.parse(args[0]!)
const results = await runAll(target)
console.log(`COMPAT_RESULTS ${JSON.stringify(results)}`)
