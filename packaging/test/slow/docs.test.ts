/**
 * The API reference (`pnpm run docs`, @effect/docgen) is generated from the sources' JSDoc: every
 * export must carry `@since`, every `@example` must type-check, and the committed pages must be
 * what the sources generate today.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { publishable, root, run } from "../../src/Packages.js"

const pages = (dir: string): Record<string, string> =>
  existsSync(dir)
    ? Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), "utf8")]))
    : {}

describe("pnpm run docs", () => {
  for (const name of publishable) {
    it(`${name}: every export documented, every example type-checks, the committed pages are current`, async () => {
      const cwd = join(root, "packages", name)
      const modules = join(cwd, "docs", "modules")
      const committed = pages(modules)
      const docgen = join(root, "node_modules", ".bin", "docgen")
      await run(docgen, [], cwd).catch((error: { stdout: string; stderr: string }) =>
        assert.fail(`docgen failed in packages/${name}:\n${error.stdout}\n${error.stderr}`)
      )
      const generated = pages(modules)
      assert.isNotEmpty(Object.keys(generated))
      assert.deepStrictEqual(
        Object.keys(committed).sort(),
        Object.keys(generated).sort(),
        `packages/${name}/docs/modules is out of date: run pnpm run docs and commit it`
      )
      for (const [file, text] of Object.entries(generated)) {
        assert.strictEqual(
          committed[file],
          text,
          `packages/${name}/docs/modules/${file} is out of date: run pnpm run docs`
        )
      }
    })
  }
})
