// The facade's start-up: import it, construct a client and close it, no request made. Prints
// the exit report (count 0).
import { AirplaneRuns } from "@airplane-runs/promise"
import { report } from "./report.mjs"

const client = new AirplaneRuns({ apiKey: "tkn_bench", baseUrl: "http://127.0.0.1:9" })
await client.close()
report(0)
