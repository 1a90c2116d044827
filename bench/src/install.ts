/**
 * Figure 8, install size: the apparent size (the sum of the files' sizes, as `du
 * --apparent-size` counts them, directories themselves not counted) of `node_modules` in a
 * fresh project where only the facade's tarball was installed with npm.
 */
import { lstatSync, readdirSync } from "node:fs"
import { join } from "node:path"
import type { Packed } from "./packed.js"
import { round } from "./stats.js"

/** The bytes of every file under `dir`, symbolic links counted as themselves, not followed. */
export const apparentBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) =>
      sum + (entry.isDirectory() ? apparentBytes(join(dir, entry.name)) : lstatSync(join(dir, entry.name)).size),
    0
  )

export const measureInstall = (packed: Packed, log: (line: string) => void): { readonly facadeMb: number } => {
  const facadeMb = round(apparentBytes(join(packed.facadeOnly, "node_modules")) / 2 ** 20, 1)
  log(`  install, the facade alone: ${facadeMb} MB of node_modules`)
  return { facadeMb }
}
