/**
 * `pnpm check:packages`: builds, packs and lints every publishable package, as npm would
 * serve it. Exits 1 if publint or arethetypeswrong finds a problem.
 */
import { basename } from "node:path"
import { build, lint, pack } from "./Packages.js"

await build()
const tarballs = await pack()
let failed = false
for (const [name, tarball] of Object.entries(tarballs)) {
  const result = await lint(tarball)
  failed ||= !result.ok
  console.log(`\n== ${name} (${basename(tarball)}): ${result.ok ? "ok" : "PROBLEMS"}\n${result.report}`)
}
process.exitCode = failed ? 1 : 0
