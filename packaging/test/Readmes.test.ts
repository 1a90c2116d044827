/**
 * The READMEs and manifests, read without building anything: links that stay inside the
 * repository, install lines that name Effect's 3.x line (`effect@4` is the registry's `latest`),
 * peer ranges that leave Effect 4 out, the metadata npm shows, and an Install section whose
 * steps name the tarballs that `pnpm pack` makes today. `pnpm test:all` then runs that section
 * (test/slow/packed.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { installBlock, installBlocks, installCommands, relativeLinks } from "../src/Markdown.js"
import { publishable, root, run } from "../src/Packages.js"

// Every Markdown file of the repository, as git sees it (tracked or new, not ignored).
const markdownFiles = async () =>
  (await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"])).stdout
    .trim()
    .split("\n")
    .filter((file) => file !== "" && existsSync(join(root, file)))

const text = (file: string) => readFileSync(join(root, file), "utf8")
const manifest = (name: string) => JSON.parse(text(join("packages", name, "package.json")))
const repository = "https://github.com/airplane-runs/airplane-runs"

describe("the READMEs", () => {
  it("every relative link of every Markdown file leads to a file of the repository", async () => {
    const files = await markdownFiles()
    assert.include(files, "README.md")
    const problems: Array<string> = []
    for (const file of files) {
      for (const link of relativeLinks(text(file))) {
        const target = resolve(root, dirname(file), link)
        const inside = !relative(root, target).startsWith(`..${sep}`) && relative(root, target) !== ".."
        if (!inside || !existsSync(target)) {
          problems.push(`${file}: ${link}${inside ? "" : " (outside the repository)"}`)
        }
      }
    }
    assert.deepStrictEqual(problems, [])
  })

  it("the link check reads links and leaves code alone", () => {
    const markdown = [
      "[a](docs/a.md) ![b](img/b.png \"title\") [c](https://example.com/c) [d](#d) [e](../e.md#part)",
      "`[f](f.md)`",
      "```sh",
      "[g](g.md)",
      "```",
      "[h]: h.md",
      "<a href=\"i.md\">i</a>"
    ].join("\n")
    assert.deepStrictEqual(relativeLinks(markdown), ["docs/a.md", "img/b.png", "../e.md", "h.md", "i.md"])
  })

  it("every install line that names Effect names its 3.x line", async () => {
    const lines = (await markdownFiles()).flatMap((file) => installCommands(text(file)).map((line) => ({ file, line })))
    const named = lines.filter(({ line }) => /(^|\s)(effect|@effect\/platform)(@|\s|$)/.test(line))
    assert.isAtLeast(named.length, 5)
    for (const { file, line } of named) {
      for (const token of line.split(/\s+/)) {
        if (/^effect(@|$)/.test(token)) assert.strictEqual(token, "effect@^3.22", `${file}: ${line}`)
        if (/^@effect\/platform(@|$)/.test(token)) {
          assert.strictEqual(token, "@effect/platform@^0.97", `${file}: ${line}`)
        }
      }
    }
  })

  // The facade bundles the Effect it runs on (packages/promise/scripts/bundle.ts), and the CLI,
  // an application rather than a library, depends on its own (the 3.x line, pinned by a tilde):
  // their users install no Effect, and their READMEs do not tell them to.
  it("each package's README installs it with Effect's 3.x line, the facade without Effect, and says how to install it from a tarball", () => {
    for (const name of publishable) {
      const readme = text(join("packages", name, "README.md"))
      const lines = installCommands(readme).filter((line) => line.includes(`@airplane-runs/${name}`))
      assert.isNotEmpty(lines, `packages/${name}/README.md has no install line`)
      for (const line of lines) {
        if (name === "promise" || name === "cli") {
          assert.notMatch(line, /(^|\s)(effect|@effect\/)/, line)
        } else {
          assert.include(line, "effect@^3.22", line)
          assert.include(line, "@effect/platform@^0.97", line)
        }
      }
      assert.include(readme, `${repository}#install`, `packages/${name}/README.md`)
    }
  })

  it("the Install section names the tarballs pnpm pack makes of each package today", () => {
    const readme = text("README.md")
    const blocks = installBlocks(readme)
    assert.match(readme, /^## Install$/m)
    assert.include(installBlock(blocks, "pack", "sh"), "npx pnpm@10 pack:packages")
    const npm = installBlock(blocks, "npm", "sh")
    const pnpmAdd = installBlock(blocks, "pnpm", "sh")
    const overrides = JSON.parse(installBlock(blocks, "pnpm", "json")).pnpm.overrides as Record<string, string>
    for (const name of publishable) {
      const { version } = manifest(name)
      const tarball = `airplane-runs/airplane-runs-${name}-${version}.tgz`
      assert.include(npm, `./${tarball}`, "the npm step")
      assert.strictEqual(overrides[`@airplane-runs/${name}`], `file:${tarball}`, "the pnpm overrides")
    }
    for (const command of [npm, pnpmAdd]) {
      assert.include(command, "effect@^3.22")
      assert.include(command, "@effect/platform@^0.97")
    }
  })
})

describe("the publishable manifests", () => {
  const ranges = (name: string) => {
    const { dependencies = {}, peerDependencies = {} } = manifest(name)
    return Object.entries<string>({ ...dependencies, ...peerDependencies })
  }

  it("every range on effect or @effect/* stays on the 3.x line (a caret or tilde on 3.x, or on 0.x)", () => {
    for (const name of publishable) {
      const { dependencies = {}, peerDependencies = {} } = manifest(name)
      if (name === "cli") {
        // An application: its own Effect, on the 3.x line, not its user's.
        assert.match(dependencies.effect, /^~3\.22\.\d+$/, `${name}: effect`)
        assert.match(dependencies["@effect/platform"], /^~0\.97\.\d+$/, `${name}: @effect/platform`)
        assert.deepStrictEqual(peerDependencies, {}, `${name}: peers`)
      } else if (name !== "promise") {
        assert.match(peerDependencies.effect, /^\^3\.22\.\d+$/, `${name}: effect peer`)
        assert.match(peerDependencies["@effect/platform"], /^\^0\.97\.\d+$/, `${name}: @effect/platform peer`)
      }
      for (const [dependency, range] of ranges(name)) {
        if (dependency === "effect") assert.match(range, /^[\^~]3\.\d+\.\d+$/, `${name}: ${dependency} ${range}`)
        else if (dependency.startsWith("@effect/")) assert.match(range, /^[\^~]0\.\d+\.\d+$/, `${name}: ${dependency}`)
      }
    }
  })

  it("each names Node >= 20.19, the repository with its folder, and a homepage there", () => {
    for (const name of publishable) {
      const { engines, homepage, repository: repo } = manifest(name)
      assert.deepStrictEqual(engines, { node: ">=20.19" }, name)
      assert.deepStrictEqual(repo, { type: "git", url: `git+${repository}.git`, directory: `packages/${name}` }, name)
      assert.strictEqual(homepage, `${repository}/tree/main/packages/${name}#readme`, name)
      assert.isTrue(existsSync(join(root, repo.directory, "README.md")), name)
    }
  })

  it("each ships the API reference its README links to", () => {
    for (const name of publishable) {
      const { files } = manifest(name)
      for (const link of relativeLinks(text(join("packages", name, "README.md")))) {
        assert.isTrue(files.some((file: string) => link === file || link.startsWith(`${file}/`)), `${name}: ${link}`)
      }
    }
  })
})
