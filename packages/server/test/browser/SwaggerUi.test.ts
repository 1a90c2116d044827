/**
 * Swagger UI at /docs in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * It authorizes with the API key, runs "Try it out" on runs/get and reads the answer the page
 * shows, and takes a screenshot: into the package's build/ folder, or over the one committed as
 * docs/swagger-ui.png when UPDATE_SCREENSHOT=1 (the port in it changes with every run).
 */
import { RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { existsSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"

const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const hasChromium = existsSync(executablePath)
if (!hasChromium) {
  console.warn(
    `\n!!! SKIPPED: the Swagger UI browser test needs Chromium at ${executablePath}, and it is missing.\n` +
      "!!! Install it with `apt-get install -y --no-install-recommends chromium` (as .ci/run does),\n" +
      "!!! or set CHROMIUM_PATH to a Chromium binary.\n"
  )
}

const screenshotPath = fileURLToPath(
  process.env["UPDATE_SCREENSHOT"] === "1"
    ? new URL("../../../../docs/swagger-ui.png", import.meta.url)
    : new URL("../../build/swagger-ui.png", import.meta.url)
)

// The flags Chromium needs as root on a machine without a network: without the
// background-networking ones it keeps dialling Google's hosts at start.
const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

const isLoopback = (url: string) => {
  const { hostname, protocol } = new URL(url)
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]"
}

/** The text of the live response body Swagger UI shows after Execute. */
const shownResponse = async (page: Page) => {
  const answer = page.locator(".live-responses-table tr.response")
  await answer.waitFor()
  return {
    status: (await answer.locator(".response-col_status").innerText()).trim(),
    body: await answer.locator(".response-col_description .highlight-code pre").first().innerText(),
    requestUrl: await page.locator(".request-url pre").first().innerText()
  }
}

describe("Swagger UI at /docs", () => {
  it.skipIf(!hasChromium)("authorizes, runs Try it out on runs/get and shows the run", async () => {
    // A fixed seed and time, so the screenshot shows the same run on every machine.
    const server = await RunsServer.start({ seed: { seed: 7, runs: 20, until: new Date("2026-01-01T00:00:00Z") } })
    let browser: Browser | undefined
    try {
      const run = server.store.list({ limit: 1 })[0]!
      browser = await chromium.launch({ executablePath, args: launchArgs, timeout: 20_000 })
      const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } })
      page.setDefaultTimeout(15_000)
      const external: Array<string> = []
      page.on("request", (request) => {
        if (!isLoopback(request.url())) external.push(request.url())
      })
      // Nothing leaves the machine even if the page tries: the request is still recorded above.
      await page.route("**/*", (route) => isLoopback(route.request().url()) ? route.continue() : route.abort())

      await page.goto(`${server.url}/docs`, { waitUntil: "load" })
      await page.locator(".swagger-ui .info .title").waitFor()
      assert.include(await page.locator(".swagger-ui .info .title").innerText(), "Airplane Runs API")

      // Authorize: the ApiKeyAuth scheme, sent as X-Airplane-API-Key.
      await page.locator(".auth-wrapper button.authorize").click()
      const dialog = page.locator(".modal-ux")
      await dialog.getByText("X-Airplane-API-Key").first().waitFor()
      await dialog.locator("input").first().fill(server.apiKey)
      await dialog.locator("button.authorize").click()
      await dialog.locator("button.btn-done").click()
      await dialog.waitFor({ state: "detached" })

      // runs/get: Try it out with a seeded run's id, then Execute.
      const operation = page.locator(".opblock").filter({ has: page.locator("[data-path='/v0/runs/get']") })
      await operation.locator(".opblock-summary").first().click()
      await operation.locator("button.try-out__btn").click()
      await operation.locator("tr[data-param-name='id'] input").fill(run.id!)
      server.requestLog.clear()
      await operation.locator("button.execute").click()

      const shown = await shownResponse(page)
      assert.strictEqual(shown.status, "200", shown.body)
      assert.strictEqual(shown.requestUrl, `${server.url}/v0/runs/get?id=${run.id}`)
      const body = JSON.parse(shown.body)
      const stored = server.store.get(run.id!)!
      assert.strictEqual(body.id, stored.id)
      assert.strictEqual(body.status, stored.status)
      assert.strictEqual(body.taskID, stored.taskID)

      // The page's request reached the server, with the key (the log shows it redacted; a
      // wrong or missing key would have been answered 401).
      const gets = server.requestLog.entries().filter((entry) => entry.path === "/v0/runs/get")
      assert.strictEqual(gets.length, 1)
      assert.deepInclude(gets[0], { method: "GET", status: 200, query: { id: run.id! } })
      assert.strictEqual(gets[0]!.headers["x-airplane-api-key"], "[redacted]")

      await operation.scrollIntoViewIfNeeded()
      await mkdir(dirname(screenshotPath), { recursive: true })
      await page.screenshot({ path: screenshotPath, fullPage: false })

      assert.deepStrictEqual(external, [], "the page requested URLs off this machine")
    } finally {
      await browser?.close()
      await server.stop()
    }
  }, 90_000)
})
