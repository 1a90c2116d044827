import { Endpoints, RunsApi, RunStatus } from "@airplane-runs/contract"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import type { Node } from "./utils/OpenApiDocument.js"
import { component, deref, describeWithSpec, loadSpec, propertyNames, unwrap } from "./utils/OpenApiDocument.js"

// The contract against the API's published spec: both documents go through the same
// normalizing functions, then must be equal, so renaming a path, parameter or field in the
// contract (or the spec changing) fails here.

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

/** The endpoints this project implements, as the spec names them (relative to its server). */
const inScope = (path: string): boolean => path.startsWith("/runs/") || path === "/tasks/execute"

/** The path of the spec's server URL: its paths are relative to it, ours carry it. */
const serverPath = (doc: Node): string => new URL(doc.servers[0].url).pathname.replace(/\/$/, "")

interface Parameter {
  readonly name: string
  readonly in: string
  readonly required: boolean
}

interface OperationShape {
  readonly parameters: ReadonlyArray<Parameter>
  readonly requestBody: ReadonlyArray<string>
  readonly response: ReadonlyArray<string>
  readonly security: ReadonlyArray<ReadonlyArray<string>>
}

const operation = (doc: Node, prefix: string, path: string, method: string): Node => {
  const op = doc.paths[prefix + path]?.[method]
  if (op === undefined) throw new Error(`No operation ${method.toUpperCase()} ${prefix}${path}`)
  return op
}

/** The in-scope paths of a document, without its prefix, sorted. */
const pathsOf = (doc: Node, prefix: string): ReadonlyArray<string> =>
  Object.keys(doc.paths)
    .filter((path) => path.startsWith(prefix + "/"))
    .map((path) => path.slice(prefix.length))
    .filter(inScope)
    .sort()

const methodsOf = (doc: Node, prefix: string, path: string): ReadonlyArray<string> =>
  Object.keys(doc.paths[prefix + path]).filter((key) => httpMethods.includes(key)).sort()

const jsonSchemaOf = (content: Node | undefined): Node | undefined => content?.["application/json"]?.schema

/**
 * The security requirements that apply to an operation, by OpenAPI's rule: the operation's
 * own list when it has one (an empty list means "no auth"), else the document's.
 */
const effectiveSecurity = (doc: Node, op: Node): ReadonlyArray<ReadonlyArray<string>> =>
  ((op.security ?? doc.security ?? []) as ReadonlyArray<Node>).map((requirement) => Object.keys(requirement).sort())

/** What must agree between the two documents for one operation. */
const operationShape = (doc: Node, prefix: string, path: string, method: string): OperationShape => {
  const op = operation(doc, prefix, path, method)
  const parameters = ((op.parameters ?? []) as ReadonlyArray<Node>)
    .map((parameter) => (typeof parameter.$ref === "string" ? deref(doc, parameter.$ref) : parameter))
    .map((parameter): Parameter => ({ name: parameter.name, in: parameter.in, required: parameter.required === true }))
    .sort((a, b) => `${a.in}:${a.name}`.localeCompare(`${b.in}:${b.name}`))
  return {
    parameters,
    requestBody: propertyNames(doc, jsonSchemaOf(op.requestBody?.content)),
    response: propertyNames(doc, jsonSchemaOf(op.responses?.["200"]?.content)),
    security: effectiveSecurity(doc, op)
  }
}

/** Every in-scope path, each method, each operation's shape. */
const operationsShape = (doc: Node, prefix: string): Record<string, Record<string, OperationShape>> =>
  Object.fromEntries(
    pathsOf(doc, prefix).map((path) => [
      path,
      Object.fromEntries(
        methodsOf(doc, prefix, path).map((method) => [method, operationShape(doc, prefix, path, method)])
      )
    ])
  )

/** The schema of the run object, found from `GET /runs/get`'s answer. */
const runSchema = (doc: Node, prefix: string): Node =>
  unwrap(doc, jsonSchemaOf(operation(doc, prefix, "/runs/get", "get").responses["200"].content)!)

/** The status enum of the run object, whether inline (spec) or a `$ref` to a nullable enum (ours). */
const statusEnum = (doc: Node, prefix: string): ReadonlyArray<string> =>
  [...(unwrap(doc, runSchema(doc, prefix).properties.status).enum as ReadonlyArray<string>)].sort()

const securitySchemes = (doc: Node): Record<string, { type: string; in: string; name: string }> =>
  Object.fromEntries(
    Object.entries<Node>(doc.components?.securitySchemes ?? {}).map((
      [name, scheme]
    ) => [name, { type: scheme.type, in: scheme.in, name: scheme.name }])
  )

/** Everything the comparison looks at, in one value. */
const contractShape = (doc: Node, prefix: string) => ({
  paths: pathsOf(doc, prefix),
  operations: operationsShape(doc, prefix),
  run: propertyNames(doc, runSchema(doc, prefix)),
  status: statusEnum(doc, prefix),
  securitySchemes: securitySchemes(doc)
})

// Read before the tests run, not while they are collected: without the spec they are skipped.
let spec: Node
// the spec's paths are already relative to its server (`/runs/get`); ours start with `/v0`
const specBase = ""
const ours = (): Node => RunsApi.openApi() as unknown as Node

describeWithSpec("RunsApi", () => {
  beforeAll(() => {
    spec = loadSpec()
  })

  describe("the spec itself", () => {
    it("is the document the comparison expects", () => {
      assert.strictEqual(serverPath(spec), "/v0")
      assert.deepStrictEqual(pathsOf(spec, specBase), [
        "/runs/cancel",
        "/runs/get",
        "/runs/getOutputs",
        "/runs/list",
        "/tasks/execute"
      ])
      // the run schema is where it is expected, so a reorganized spec fails here rather than vacuously
      assert.isAbove(propertyNames(spec, component(spec, "apiext.GetRunResponse")).length, 15)
    })
  })

  describe("the generated document against the spec", () => {
    it("has the spec's server path as its prefix", () => {
      assert.strictEqual(Endpoints.basePath, serverPath(spec))
    })

    it("has the same Runs and Tasks paths", () => {
      const doc = ours()
      assert.deepStrictEqual(pathsOf(doc, Endpoints.basePath), pathsOf(spec, specBase))
      // and nothing else: every generated path is in scope
      assert.deepStrictEqual(
        Object.keys(doc.paths).map((path) => path.slice(Endpoints.basePath.length)).sort(),
        pathsOf(spec, specBase)
      )
    })

    it("has the same methods on each path", () => {
      const doc = ours()
      for (const path of pathsOf(spec, specBase)) {
        assert.deepStrictEqual(methodsOf(doc, Endpoints.basePath, path), methodsOf(spec, specBase, path), path)
      }
      assert.deepStrictEqual(methodsOf(doc, Endpoints.basePath, "/runs/cancel"), ["post"])
      assert.deepStrictEqual(methodsOf(doc, Endpoints.basePath, "/tasks/execute"), ["post"])
    })

    it.each([
      ["/runs/get", "get"],
      ["/runs/getOutputs", "get"],
      ["/runs/list", "get"],
      ["/runs/cancel", "post"],
      ["/tasks/execute", "post"]
    ])("%s has the spec's parameters, body, answer and security", (path, method) => {
      assert.deepStrictEqual(
        operationShape(ours(), Endpoints.basePath, path, method),
        operationShape(spec, specBase, path, method)
      )
    })

    it("names the list query parameters as the spec does", () => {
      assert.deepStrictEqual(operationShape(ours(), Endpoints.basePath, "/runs/list", "get").parameters, [
        { name: "limit", in: "query", required: false },
        { name: "page", in: "query", required: false },
        { name: "since", in: "query", required: false },
        { name: "taskID", in: "query", required: false },
        { name: "taskSlug", in: "query", required: false },
        { name: "until", in: "query", required: false }
      ])
    })

    it("requires the id of get and getOutputs", () => {
      for (const path of ["/runs/get", "/runs/getOutputs"]) {
        assert.deepStrictEqual(operationShape(ours(), Endpoints.basePath, path, "get").parameters, [
          { name: "id", in: "query", required: true }
        ])
      }
    })

    it("has the spec's request bodies: runID for cancel, id/slug/paramValues/resources for execute", () => {
      const doc = ours()
      assert.deepStrictEqual(operationShape(doc, Endpoints.basePath, "/runs/cancel", "post").requestBody, ["runID"])
      assert.deepStrictEqual(
        operationShape(doc, Endpoints.basePath, "/runs/cancel", "post").requestBody,
        propertyNames(spec, component(spec, "apiext.CancelRunRequest"))
      )
      assert.deepStrictEqual(
        operationShape(doc, Endpoints.basePath, "/tasks/execute", "post").requestBody,
        propertyNames(spec, component(spec, "apiext.ExecuteTaskRequest"))
      )
      assert.deepStrictEqual(
        operationShape(doc, Endpoints.basePath, "/tasks/execute", "post").requestBody,
        ["id", "paramValues", "resources", "slug"]
      )
    })

    it("has the spec's answers: runs for list, output for getOutputs, runID for execute", () => {
      const doc = ours()
      assert.deepStrictEqual(operationShape(doc, Endpoints.basePath, "/runs/list", "get").response, ["runs"])
      assert.deepStrictEqual(operationShape(doc, Endpoints.basePath, "/runs/getOutputs", "get").response, ["output"])
      assert.deepStrictEqual(operationShape(doc, Endpoints.basePath, "/tasks/execute", "post").response, ["runID"])
      assert.deepStrictEqual(
        operationShape(doc, Endpoints.basePath, "/runs/list", "get").response,
        propertyNames(spec, component(spec, "apiext.ListRunsResponse"))
      )
    })

    it("lists a run in /runs/list as /runs/get returns it", () => {
      for (const doc of [ours(), spec]) {
        const prefix = doc === spec ? specBase : Endpoints.basePath
        const list = unwrap(doc, jsonSchemaOf(operation(doc, prefix, "/runs/list", "get").responses["200"].content)!)
        const item = unwrap(doc, unwrap(doc, list.properties.runs).items)
        assert.deepStrictEqual(propertyNames(doc, item), propertyNames(doc, runSchema(doc, prefix)))
      }
    })

    it("has the spec's run fields (our Run against apiext.GetRunResponse)", () => {
      const doc = ours()
      const run = propertyNames(doc, component(doc, "Run"))
      assert.deepStrictEqual(run, propertyNames(spec, component(spec, "apiext.GetRunResponse")))
      assert.deepStrictEqual(propertyNames(doc, runSchema(doc, Endpoints.basePath)), run)
    })

    it("has the spec's status enum, which is RunStatus.values", () => {
      const specStatus = [...component(spec, "apiext.GetRunResponse").properties.status.enum].sort()
      assert.deepStrictEqual(statusEnum(ours(), Endpoints.basePath), specStatus)
      assert.deepStrictEqual([...component(ours(), "RunStatus").enum].sort(), specStatus)
      assert.deepStrictEqual([...RunStatus.values].sort(), specStatus)
    })

    it("secures every operation with the API key in the X-Airplane-API-Key header", () => {
      const doc = ours()
      assert.deepStrictEqual(securitySchemes(doc), securitySchemes(spec))
      assert.deepStrictEqual(securitySchemes(doc), {
        ApiKeyAuth: { type: "apiKey", in: "header", name: Endpoints.apiKeyHeader }
      })
      assert.strictEqual(Endpoints.apiKeyHeader, "X-Airplane-API-Key")
      for (const path of pathsOf(doc, Endpoints.basePath)) {
        for (const method of methodsOf(doc, Endpoints.basePath, path)) {
          assert.deepStrictEqual(
            operationShape(doc, Endpoints.basePath, path, method).security,
            [["ApiKeyAuth"]],
            `${method} ${path}`
          )
        }
      }
    })

    it("answers a missing or bad key with 401 on every operation", () => {
      const doc = ours()
      for (const path of pathsOf(doc, Endpoints.basePath)) {
        for (const method of methodsOf(doc, Endpoints.basePath, path)) {
          const response = operation(doc, Endpoints.basePath, path, method).responses["401"]
          assert.isDefined(response, `${method} ${path}`)
          const body = unwrap(doc, jsonSchemaOf(response.content)!)
          assert.includeMembers(propertyNames(doc, body) as Array<string>, ["code", "error"], `${method} ${path}`)
          assert.deepStrictEqual(body.required, ["error"], `${method} ${path}`)
        }
      }
    })

    it("agrees with the spec as a whole", () => {
      assert.deepStrictEqual(contractShape(ours(), Endpoints.basePath), contractShape(spec, specBase))
    })
  })

  describe("the comparison", () => {
    // Each mutation of a copy of the generated document must make it differ from the spec:
    // otherwise the comparison above would pass whatever the contract says.
    const mutations: ReadonlyArray<readonly [string, (doc: Node) => void]> = [
      ["a renamed list parameter", (doc) => {
        const parameter = doc.paths["/v0/runs/list"].get.parameters.find((p: Node) => p.name === "taskSlug")
        parameter.name = "task_slug"
      }],
      ["an optional get id", (doc) => {
        doc.paths["/v0/runs/get"].get.parameters[0].required = false
      }],
      ["a parameter moved to a header", (doc) => {
        doc.paths["/v0/runs/getOutputs"].get.parameters[0].in = "header"
      }],
      ["a changed method", (doc) => {
        doc.paths["/v0/runs/cancel"].put = doc.paths["/v0/runs/cancel"].post
        delete doc.paths["/v0/runs/cancel"].post
      }],
      ["a renamed path", (doc) => {
        doc.paths["/v0/runs/outputs"] = doc.paths["/v0/runs/getOutputs"]
        delete doc.paths["/v0/runs/getOutputs"]
      }],
      ["a renamed run field", (doc) => {
        const properties = doc.components.schemas.Run.properties
        properties.taskId = properties.taskID
        delete properties.taskID
      }],
      ["a renamed status", (doc) => {
        doc.components.schemas.RunStatus.enum = ["NotStarted", "Queued", "Running", "Succeeded", "Failed", "Cancelled"]
      }],
      ["cancel's body keyed id instead of runID", (doc) => {
        const properties = doc.components.schemas.CancelRunBody.properties
        properties.id = properties.runID
        delete properties.runID
      }],
      ["a renamed list answer", (doc) => {
        const properties = doc.components.schemas.ListRunsAnswer.properties
        properties.items = properties.runs
        delete properties.runs
      }],
      ["the key in a query parameter", (doc) => {
        doc.components.securitySchemes.ApiKeyAuth.in = "query"
      }],
      ["an operation without auth", (doc) => {
        doc.paths["/v0/runs/get"].get.security = []
      }]
    ]

    it.each(mutations)("detects %s", (_, mutate) => {
      const doc = structuredClone(ours())
      mutate(doc)
      assert.notDeepEqual(contractShape(doc, Endpoints.basePath), contractShape(spec, specBase))
      // the generated document itself is left as it was (the copy is deep)
      assert.deepStrictEqual(contractShape(ours(), Endpoints.basePath), contractShape(spec, specBase))
    })

    it("sees a renamed parameter in the operation's shape", () => {
      const doc = structuredClone(ours())
      doc.paths["/v0/runs/list"].get.parameters.find((p: Node) => p.name === "limit").name = "pageSize"
      const shape = operationShape(doc, Endpoints.basePath, "/runs/list", "get")
      assert.notDeepEqual(shape, operationShape(spec, specBase, "/runs/list", "get"))
      assert.isTrue(shape.parameters.some((p) => p.name === "pageSize"))
      assert.isFalse(shape.parameters.some((p) => p.name === "limit"))
    })
  })
})
