/**
 * What the checks of the READMEs read from Markdown: the targets of its links, and the blocks of
 * the README's Install section, marked `<!-- install: <step> -->`, which the install test runs.
 */

/** The fenced code blocks and inline code spans blanked out, so that links in code are not read. */
const withoutCode = (markdown: string): string =>
  markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, " "))
    .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length))

/** Every link and image target of a Markdown text: inline, reference definitions, and HTML. */
export const linkTargets = (markdown: string): ReadonlyArray<string> => {
  const text = withoutCode(markdown)
  const targets = [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/<(?:a|img)\b[^>]*\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!)
  ]
  return targets
}

/**
 * The targets that name a file beside the Markdown file, without their `#fragment` or `?query`:
 * not URLs (`https:`, `mailto:`), not `//host` paths, not a fragment of the same page.
 */
export const relativeLinks = (markdown: string): ReadonlyArray<string> =>
  linkTargets(markdown)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("//") && !target.startsWith("#"))
    .map((target) => decodeURIComponent(target.replace(/[?#].*$/, "")))

/** One fenced block of the Install section: its step, its language and its text. */
export interface InstallBlock {
  readonly step: string
  readonly lang: string
  readonly code: string
}

/**
 * The blocks of a README that follow a `<!-- install: <step> -->` line, in order. A marker
 * without a block right after it throws: the README and its test have drifted apart.
 */
export const installBlocks = (readme: string): ReadonlyArray<InstallBlock> => {
  const lines = readme.split("\n")
  const blocks: Array<InstallBlock> = []
  lines.forEach((line, i) => {
    const marker = /^<!-- install: ([\w-]+) -->$/.exec(line.trim())
    if (marker === null) return
    const fence = /^```(\w*)$/.exec(lines[i + 1] ?? "")
    const end = lines.indexOf("```", i + 2)
    if (fence === null || end === -1) throw new Error(`README line ${i + 1}: ${line} is not followed by a code block`)
    blocks.push({ step: marker[1]!, lang: fence[1]!, code: lines.slice(i + 2, end).join("\n") })
  })
  return blocks
}

/** The block of one step in one language; throws unless there is exactly one. */
export const installBlock = (blocks: ReadonlyArray<InstallBlock>, step: string, lang: string): string => {
  const found = blocks.filter((block) => block.step === step && block.lang === lang)
  if (found.length !== 1) {
    throw new Error(
      `the README has ${found.length} blocks marked <!-- install: ${step} --> in ${lang || "no language"}`
    )
  }
  return found[0]!.code
}

/** The command lines of a shell block that install packages: npm install/i/add, pnpm add, yarn add. */
export const installCommands = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/^```(?:sh|bash|shell|console)?\n([\s\S]*?)^```$/gm)]
    .flatMap((m) => m[1]!.replace(/\\\n\s*/g, " ").split("\n"))
    .map((line) => line.replace(/^\$\s*/, "").trim())
    .filter((line) => /^(?:npx (?:--yes )?pnpm@\d+ |pnpm |npm |yarn )(?:install|i|add)\b/.test(line))
