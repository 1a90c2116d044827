// What the bundle figure and the cold start measure: the Promise facade, one `get`.
// AIRPLANE_API_KEY and AIRPLANE_API_HOST say where; RUN_ID which run.
import { AirplaneRuns } from "@airplane-runs/promise"

const client = new AirplaneRuns()
const run = await client.runs.get({ id: process.env.RUN_ID ?? "" })
await client.close()
console.log(run.id)
