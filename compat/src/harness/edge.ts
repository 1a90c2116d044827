/**
 * The harness of Vercel's edge-runtime: a script with a `fetch` event listener, the form its
 * `EdgeRuntime` evaluates, which runs the checks against the target posted to it and answers
 * the results as JSON.
 */
import { runAll, type Target } from "../checks.js"

interface FetchEvent {
  readonly request: Request
  respondWith(response: Promise<Response>): void
}

;(globalThis as any).addEventListener("fetch", (event: FetchEvent) => {
  event.respondWith(
    event.request.json().then(async (target: Target) => Response.json(await runAll(target)))
  )
})
