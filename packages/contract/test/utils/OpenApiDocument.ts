// Reading OpenAPI documents as plain JSON: the API's own spec (YAML, in shared/reference) and
// the one generated from RunsApi. Both are walked with the same functions, so a comparison
// never depends on which document a value came from.
import { describe } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

/**
 * An OpenAPI document or any node in it, as parsed JSON.
 */
export type Node = Record<string, any>

/**
 * Where the API's published spec sits in CI: the steering repo's `shared/` beside this
 * repository (`../shared` from its root), relative to this file, never to the cwd.
 */
export const besideRepository = fileURLToPath(
  new URL("../../../../../shared/reference/airplane-openapi.yaml", import.meta.url)
)

/**
 * Where the spec was looked for, and what was found. A copy named by `AIRPLANE_OPENAPI_SPEC`
 * must exist. Without that variable the spec beside the repository is used when it is there,
 * and the checks against it are skipped when it is not: a plain clone has no `../shared`, and
 * its `pnpm test` must pass on its own.
 */
export type SpecLocation =
  | { readonly _tag: "Found"; readonly path: string }
  | { readonly _tag: "Missing"; readonly path: string; readonly message: string }
  | { readonly _tag: "Skipped"; readonly path: string; readonly message: string }

export const locateSpec = (fromEnv: string | undefined, beside: string = besideRepository): SpecLocation => {
  if (fromEnv !== undefined && fromEnv !== "") {
    if (existsSync(fromEnv)) return { _tag: "Found", path: fromEnv }
    return {
      _tag: "Missing",
      path: fromEnv,
      message: `AIRPLANE_OPENAPI_SPEC is ${fromEnv}, which does not exist: point it at a copy of airplane-openapi.yaml.`
    }
  }
  if (existsSync(beside)) return { _tag: "Found", path: beside }
  return {
    _tag: "Skipped",
    path: beside,
    message: [
      `SKIPPED: the contract's checks against the Airplane API's OpenAPI document, which is not at ${beside}.`,
      "To run them, set AIRPLANE_OPENAPI_SPEC to a copy of airplane-openapi.yaml, or check out the steering",
      "repo's shared/ beside this repository (as CI does), then run the tests again."
    ].join("\n")
  }
}

/** The spec of this run: at `AIRPLANE_OPENAPI_SPEC`, else beside the repository. */
export const specLocation: SpecLocation = locateSpec(process.env["AIRPLANE_OPENAPI_SPEC"])

/**
 * A `describe` of checks against the spec. Without the spec its tests are reported as skipped
 * (and the reason printed), never as passed; a copy named by `AIRPLANE_OPENAPI_SPEC` that is
 * missing fails them. The suite reads the spec in its tests and hooks only, never while it is
 * collected: a skipped suite is still collected.
 */
export const describeWithSpec = (name: string, factory: () => void): void => {
  if (specLocation._tag === "Skipped") {
    warnSkipped()
    describe.skip(`${name} [skipped: no OpenAPI document, see above]`, factory)
  } else {
    describe(name, factory)
  }
}

let warned = false
const warnSkipped = () => {
  if (warned || specLocation._tag !== "Skipped") return
  warned = true
  console.warn(`\n!!! ${specLocation.message.replaceAll("\n", "\n!!! ")}\n`)
}

let spec: Node | undefined

/**
 * The parsed spec, read once per test file; throws where the spec is not found.
 */
export const loadSpec = (): Node => {
  if (specLocation._tag !== "Found") throw new Error(specLocation.message)
  spec ??= parse(readFileSync(specLocation.path, "utf8")) as Node
  return spec
}

/**
 * Follows a local JSON pointer (`#/components/schemas/apiext.GetRunResponse`).
 */
export const deref = (doc: Node, ref: string): Node => {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported, got ${ref}`)
  let node: any = doc
  for (const segment of ref.slice(2).split("/")) {
    node = node?.[segment.replaceAll("~1", "/").replaceAll("~0", "~")]
  }
  if (node === undefined) throw new Error(`Dangling $ref ${ref}`)
  return node
}

const isNullSchema = (schema: Node): boolean => schema.type === "null"

/**
 * The schema a node stands for once its wrappers are removed: `$ref`s are followed, a
 * single-member `allOf` is unwrapped, and `anyOf: [X, {type: "null"}]` (how nullable fields
 * are generated) becomes `X`.
 */
export const unwrap = (doc: Node, schema: Node): Node => {
  let current = schema
  for (let hops = 0; hops < 32; hops++) {
    if (typeof current.$ref === "string") {
      current = deref(doc, current.$ref)
    } else if (Array.isArray(current.allOf) && current.allOf.length === 1) {
      current = current.allOf[0]
    } else if (Array.isArray(current.anyOf ?? current.oneOf)) {
      const members = (current.anyOf ?? current.oneOf).filter((member: Node) => !isNullSchema(member))
      if (members.length !== 1) return current
      current = members[0]
    } else {
      return current
    }
  }
  throw new Error("$ref cycle")
}

/**
 * The sorted property names of an object schema; `[]` when it names none.
 */
export const propertyNames = (doc: Node, schema: Node | undefined): ReadonlyArray<string> => {
  if (schema === undefined) return []
  const properties = unwrap(doc, schema).properties
  return properties === undefined ? [] : Object.keys(properties).sort()
}

/**
 * A component schema by name.
 */
export const component = (doc: Node, name: string): Node => deref(doc, `#/components/schemas/${name}`)

/**
 * A value made of the `example`s of a schema: a property's own example when it has one,
 * otherwise one built from its `$ref` or its properties; an array of one built item. `$ref`
 * cycles (a parameter's nested parameters) stop at the first repeat.
 */
export const exampleOf = (doc: Node, schema: Node, seen: ReadonlySet<string> = new Set()): unknown => {
  if (schema.example !== undefined) return schema.example
  if (typeof schema.$ref === "string") {
    if (seen.has(schema.$ref)) return undefined
    return exampleOf(doc, deref(doc, schema.$ref), new Set([...seen, schema.$ref]))
  }
  if (schema.properties !== undefined) {
    const example: Record<string, unknown> = {}
    for (const [name, property] of Object.entries<Node>(schema.properties)) {
      const value = exampleOf(doc, property, seen)
      if (value !== undefined) example[name] = value
    }
    return example
  }
  if (schema.type === "array" && schema.items !== undefined) {
    const item = exampleOf(doc, schema.items, seen)
    return item === undefined ? undefined : [item]
  }
  return undefined
}
