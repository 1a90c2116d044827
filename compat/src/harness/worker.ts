/**
 * The harness of workerd (through miniflare): a Worker in the modules syntax, as Cloudflare
 * users write one, whose `fetch` runs the checks against the target posted to it and answers
 * the results as JSON.
 */
import { runAll, type Target } from "../checks.js"

export default {
  async fetch(request: Request): Promise<Response> {
    const target: Target = await request.json()
    return Response.json(await runAll(target))
  }
}
