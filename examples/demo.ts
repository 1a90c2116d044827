/**
 * `pnpm demo`: runs the examples against the embedded server, one after the other.
 */
import { tour } from "./server-tour.js"

const examples: Record<string, () => Promise<unknown>> = {
  "server-tour": () => tour()
}

const only = process.argv[2]
if (only !== undefined && !(only in examples)) {
  console.error(`No example "${only}". Examples: ${Object.keys(examples).join(", ")}`)
  process.exit(2)
}
for (const [name, run] of Object.entries(examples)) {
  if (only !== undefined && name !== only) continue
  console.log(`\n=== ${name} ===\n`)
  await run()
}
