/**
 * `npx pnpm@10 pack:packages <folder>`: builds the publishable packages and packs each into
 * `<folder>` (created if need be), as the README's Install section has users do while the
 * packages are not on the registry. A relative folder is taken from where pnpm was started.
 */
import { basename, resolve } from "node:path"
import { build, packInto } from "./Packages.js"

const [folder, ...rest] = process.argv.slice(2)
if (folder === undefined || rest.length > 0) {
  console.error("usage: npx pnpm@10 pack:packages <folder>   (packs the four publishable packages into <folder>)")
  process.exit(2)
}
const destination = resolve(process.env["INIT_CWD"] ?? process.cwd(), folder)
await build()
const tarballs = await packInto(destination)
console.log(`Packed into ${destination}:`)
for (const [name, tarball] of Object.entries(tarballs)) console.log(`  @airplane-runs/${name}  ${basename(tarball)}`)
