/**
 * The facade's published declarations name no Effect type. Its users write plain async/await
 * code: what their editor shows of the package (hover, completion, go to definition) must be
 * the facade's own classes, options, errors and run types, never `Effect`, `Stream`, a Schema
 * or core's `Runs.Service`.
 *
 * The declarations are emitted here as `tsc` emits them for `pnpm build` (in memory), then read
 * as a user's compiler reads them: each type they name is followed to its declaration, through
 * the aliases into core and the contract, and none may be declared in `effect` or `@effect/*`.
 * Internal modules ship no declarations (the package's `files`), so no public one may need one.
 *
 * And they import nothing from core, the contract or Effect, not even a plain type: the
 * published package bundles their code and depends on none of them (issue 14), so a user's
 * compiler would not find what they name.
 */
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const outDir = `${packageDir}dist/`

const effectFile = /\/node_modules\/(?:effect|@effect\/[^/]+)\//
// The workspace's own packages, as the compiler sees them (symlinks resolved): followed.
const workspaceFile = /\/packages\/[^/]+\/(?:src|dist)\/.*\.ts$/

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => packageDir,
  getNewLine: () => "\n"
}

// Both programs read the same libraries (effect's declarations, core's sources): parsed once.
const parsed = new Map<string, ts.SourceFile>()
const cachingHost = (options: ts.CompilerOptions, extra: ReadonlyMap<string, string> = new Map()) => {
  const host = ts.createCompilerHost(options)
  const { directoryExists, fileExists, getSourceFile, readFile } = host
  // In memory, as in a fresh clone, where dist/ does not exist.
  host.directoryExists = (name) =>
    [...extra.keys()].some((file) => file.startsWith(`${name}/`)) || (directoryExists?.(name) ?? true)
  host.fileExists = (name) => extra.has(name) || fileExists(name)
  host.readFile = (name) => extra.get(name) ?? readFile(name)
  host.getSourceFile = (name, version, ...rest) => {
    const text = extra.get(name)
    if (text !== undefined) return ts.createSourceFile(name, text, version, true)
    const key = `${name}\0${typeof version === "object" ? version.impliedNodeFormat : ""}`
    let file = parsed.get(key)
    if (file === undefined) {
      file = getSourceFile(name, version, ...rest)
      if (file !== undefined) parsed.set(key, file)
    }
    return file
  }
  return host
}

/** The facade's declarations as `pnpm build` emits them: output path to text. */
const emitDeclarations = (): Map<string, string> => {
  const config = ts.getParsedCommandLineOfConfigFile(`${packageDir}tsconfig.build.json`, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.formatDiagnostic(diagnostic, formatHost))
    }
  })!
  // Without the project references, core and the contract are read from their sources: the
  // same types, and no need for their builds.
  const options = { ...config.options, composite: false, incremental: false, declarationMap: false }
  const program = ts.createProgram({ rootNames: config.fileNames, options, host: cachingHost(options) })
  const emitted = new Map<string, string>()
  for (const file of program.getSourceFiles()) {
    if (!config.fileNames.includes(file.fileName)) continue
    const result = program.emit(file, (name, text) => emitted.set(name, text), undefined, true)
    if (result.emitSkipped) {
      throw new Error(
        ts.formatDiagnostics([...result.diagnostics, ...program.getSemanticDiagnostics(file)], formatHost)
      )
    }
  }
  return emitted
}

const isInternal = (file: string) => file.startsWith(`${outDir}internal/`)

/** What the published package does not depend on: core, the contract, Effect. */
const bundledAway = /^(?:@airplane-runs\/|effect(?:\/|$)|@effect\/)/

/**
 * Every module the declarations `roots` (path to text) name that the published package does
 * not depend on: by an import or export, an `import("...")` type, or a `/// <reference>`.
 */
const bundledImportsIn = (roots: ReadonlyMap<string, string>): Array<string> => {
  const found: Array<string> = []
  for (const [root, text] of roots) {
    const at = root.slice(outDir.length)
    const file = ts.createSourceFile(root, text, ts.ScriptTarget.Latest, true)
    const names = (node: ts.Node): void => {
      const specifier = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node))
        ? node.moduleSpecifier
        : ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)
        ? node.argument.literal
        : ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
        ? node.moduleReference.expression
        : undefined
      if (specifier !== undefined && ts.isStringLiteral(specifier) && bundledAway.test(specifier.text)) {
        found.push(`${at} > "${specifier.text}"`)
      }
      ts.forEachChild(node, names)
    }
    names(file)
    for (const reference of [...file.typeReferenceDirectives, ...file.referencedFiles]) {
      if (bundledAway.test(reference.fileName)) found.push(`${at} > /// <reference "${reference.fileName}">`)
    }
  }
  return found
}

/**
 * Every way the declarations `roots` (path to text, beside the files on disk) name a type
 * declared in `effect` or `@effect/*`, as the way there: `Run.d.ts > RunsPage > Run > Schema...`.
 * Each named type is followed into the workspace's packages (an alias of core's type is only as
 * plain as that type), not into the standard library or other packages.
 */
const effectTypesIn = (roots: ReadonlyMap<string, string>): Array<string> => {
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true }
  const program = ts.createProgram({ rootNames: [...roots.keys()], options, host: cachingHost(options, roots) })
  const checker = program.getTypeChecker()

  /** The declarations a name in a type refers to: types, or for `typeof x` and `extends x`, values. */
  const declarationsOf = (name: ts.Node, values: boolean): ReadonlyArray<ts.Declaration> => {
    const symbol = checker.getSymbolAtLocation(name)
    if (symbol === undefined) return []
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    return (target.declarations ?? []).filter((declaration) =>
      ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration) ||
      ts.isClassDeclaration(declaration) || ts.isEnumDeclaration(declaration) ||
      // `Json` is a type and a Schema in the contract: a type reference means the type.
      (values && !ts.isSourceFile(declaration) && !ts.isModuleDeclaration(declaration))
    )
  }

  /** The names in types under `node`, each with whether it may name a value. */
  const namesIn = (node: ts.Node, names: Array<[ts.Node, boolean]> = []): Array<[ts.Node, boolean]> => {
    if (ts.isTypeReferenceNode(node)) names.push([node.typeName, false])
    else if (ts.isExpressionWithTypeArguments(node)) names.push([node.expression, true])
    else if (ts.isTypeQueryNode(node)) names.push([node.exprName, true])
    else if (ts.isImportTypeNode(node) && node.qualifier !== undefined) names.push([node.qualifier, false])
    ts.forEachChild(node, (child) => void namesIn(child, names))
    return names
  }

  const found = new Map<ts.Node, ReadonlyArray<string>>()
  /** The ways from `node` to an Effect type. */
  const leaksOf = (node: ts.Node): ReadonlyArray<string> => {
    const known = found.get(node)
    if (known !== undefined) return known
    // A type that names itself (Json, Parameter) adds nothing on the way back to itself.
    found.set(node, [])
    const ways = new Set<string>()
    for (const [name, values] of namesIn(node)) {
      for (const declaration of declarationsOf(name, values)) {
        const file = declaration.getSourceFile().fileName
        if (effectFile.test(file)) ways.add(name.getText())
        // A type of the roots is checked as a root, and said once there.
        else if (!roots.has(file) && workspaceFile.test(file)) {
          for (const way of leaksOf(declaration)) ways.add(`${name.getText()} > ${way}`)
        }
      }
    }
    found.set(node, [...ways])
    return [...ways]
  }

  const ways: Array<string> = []
  for (const root of roots.keys()) {
    const file = program.getSourceFile(root)!
    const at = root.slice(outDir.length)
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
        // A published declaration imports only what ships: not Effect, not an internal module.
        const specifier = statement.moduleSpecifier
        if (specifier === undefined || !ts.isStringLiteral(specifier)) continue
        const module = checker.getSymbolAtLocation(specifier)?.declarations?.[0]?.getSourceFile().fileName
        if (module === undefined || effectFile.test(module) || isInternal(module)) {
          ways.push(`${at} > import "${specifier.text}"`)
        }
      } else {
        const name = ts.getNameOfDeclaration(statement as ts.DeclarationStatement)?.getText() ?? "(statement)"
        for (const way of leaksOf(statement)) ways.push(`${at} > ${name} > ${way}`)
      }
    }
  }
  return ways
}

describe("the published declarations", () => {
  const emitted = emitDeclarations()
  const published = new Map([...emitted].filter(([name]) => !isInternal(name)))

  it("are the facade's modules", () => {
    expect([...published.keys()].map((name) => name.slice(outDir.length)).sort()).toEqual([
      "APIPromise.d.ts",
      "AirplaneRuns.d.ts",
      "AirplaneRunsError.d.ts",
      "Run.d.ts",
      "index.d.ts"
    ])
  })

  it("name no type declared in effect or @effect/*, directly or through core and the contract", () => {
    expect(effectTypesIn(published)).toEqual([])
  })

  it("import nothing from core, the contract or Effect, which the package bundles", () => {
    expect(bundledImportsIn(published)).toEqual([])
  })

  it("would see core, the contract or Effect named in any way", () => {
    const leaky = new Map([[
      `${outDir}Leaky.d.ts`,
      [
        `/// <reference types="effect" />`,
        `import type { Json } from "@airplane-runs/contract/Json"`,
        `export type { ListParams } from "@airplane-runs/core/Runs"`,
        `export type Page = import("@airplane-runs/core").Runs.RunsPage`,
        `export type Options = import("./AirplaneRuns.js").ClientOptions`,
        `export declare const output: Json`
      ].join("\n")
    ]])
    expect(bundledImportsIn(leaky)).toEqual([
      `Leaky.d.ts > "@airplane-runs/contract/Json"`,
      `Leaky.d.ts > "@airplane-runs/core/Runs"`,
      `Leaky.d.ts > "@airplane-runs/core"`,
      `Leaky.d.ts > /// <reference "effect">`
    ])
  })

  // The check itself, on declarations that do leak: it must see through aliases and imports.
  it("would see Effect named through an alias of core's types", () => {
    const leaky = new Map([[
      `${outDir}Leaky.d.ts`,
      [
        `import type { Runs } from "@airplane-runs/core"`,
        `import type { Effect } from "effect"`,
        `export type Service = Runs.Service`,
        `export type Page = Runs.RunsPage`,
        `export declare const call: () => Effect.Effect<void>`
      ].join("\n")
    ]])
    const found = effectTypesIn(leaky).join("\n")
    expect(found).toContain(`import "effect"`)
    expect(found).toContain("Runs.Service > Effect.Effect")
    // Core's page holds the contract's Run, a Schema's type: why the facade has its own.
    expect(found).toMatch(/Runs\.RunsPage > Run > .*Schema/)
  })
})
