// The Promise facade: `for await` over `client.runs.list(...)` (default prefetch), then
// `close()`. Prints the exit report. AIRPLANE_API_KEY and AIRPLANE_API_HOST say where, argv[2]
// is the page size.
import { AirplaneRuns } from "@airplane-runs/promise"
import { report } from "./report.mjs"

const limit = Number(process.argv[2])
const client = new AirplaneRuns({ apiKey: process.env.AIRPLANE_API_KEY, baseUrl: process.env.AIRPLANE_API_HOST })
let count = 0
for await (const _run of client.runs.list({ limit })) count++
await client.close()
report(count)
