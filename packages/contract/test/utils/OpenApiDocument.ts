// Reading OpenAPI documents as plain JSON: the API's own spec (YAML, in shared/reference) and
// the one generated from RunsApi. Both are walked with the same functions, so a comparison
// never depends on which document a value came from.
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

/**
 * An OpenAPI document or any node in it, as parsed JSON.
 */
export type Node = Record<string, any>

/**
 * The Airplane API's published spec. `shared/` sits beside the repository (`../shared` from
 * its root) both here and in CI, so the path is relative to this file, never to the cwd;
 * `AIRPLANE_OPENAPI_SPEC` names another copy.
 */
export const specPath = process.env["AIRPLANE_OPENAPI_SPEC"] ??
  fileURLToPath(new URL("../../../../../shared/reference/airplane-openapi.yaml", import.meta.url))

let spec: Node | undefined

/**
 * The parsed spec; read once per test file. Without it the comparison cannot run, and says
 * where it looked rather than passing.
 */
export const loadSpec = (): Node => {
  if (spec === undefined) {
    if (!existsSync(specPath)) {
      throw new Error(
        `The reference spec is not at ${specPath}: check out the steering repo's shared/ beside this ` +
          "repository (as CI lays it out), or set AIRPLANE_OPENAPI_SPEC to the airplane-openapi.yaml file."
      )
    }
    spec = parse(readFileSync(specPath, "utf8")) as Node
  }
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
