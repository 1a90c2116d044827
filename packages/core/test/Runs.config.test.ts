/**
 * The client's options and the environment they may come from: one reader of the
 * environment (`Runs.config`), problems named as the caller wrote them, fixes shown.
 */
import { Runs, RunsError } from "@airplane-runs/core"
import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Context, Effect, Exit, Layer, Redacted } from "effect"

const fromEnv = (variables: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(variables)))

/** Builds `layerConfig()` under these variables; answers how it failed. */
const layerConfigFailure = (variables: Record<string, string>) =>
  Effect.flip(Layer.build(Runs.layerConfig()).pipe(Effect.scoped)).pipe(
    Effect.withConfigProvider(fromEnv(variables)),
    Effect.provide(FetchHttpClient.layer)
  )

const configure = (options: Runs.Options) => Effect.flip(Runs.make(options)).pipe(Effect.provide(FetchHttpClient.layer))

describe("Runs.config", () => {
  it.effect("reads the four variables, the key redacted", () =>
    Effect.gen(function*() {
      const environment = yield* Effect.withConfigProvider(
        Runs.config,
        fromEnv({
          AIRPLANE_API_KEY: "tkn_env",
          AIRPLANE_API_HOST: "http://127.0.0.1:4010",
          AIRPLANE_ENV_SLUG: "staging",
          AIRPLANE_ENV_ID: "env_1"
        })
      )
      assert.isTrue(Redacted.isRedacted(environment.apiKey))
      assert.strictEqual(Redacted.value(environment.apiKey!), "tkn_env")
      assert.strictEqual(environment.host, "http://127.0.0.1:4010")
      assert.strictEqual(environment.envSlug, "staging")
      assert.strictEqual(environment.envId, "env_1")
    }))

  it.effect("a variable set but empty counts as unset, as it does for the Promise facade", () =>
    Effect.gen(function*() {
      const environment = yield* Effect.withConfigProvider(
        Runs.config,
        fromEnv({ AIRPLANE_API_KEY: "", AIRPLANE_API_HOST: "", AIRPLANE_ENV_SLUG: "", AIRPLANE_ENV_ID: "" })
      )
      assert.deepStrictEqual(environment, { apiKey: undefined, host: undefined, envSlug: undefined, envId: undefined })
      // So an empty AIRPLANE_API_HOST means the default host, not a refused one.
      const runs = yield* Layer.build(Runs.layerConfig()).pipe(
        Effect.scoped,
        Effect.withConfigProvider(fromEnv({ AIRPLANE_API_KEY: "tkn_x", AIRPLANE_API_HOST: "", AIRPLANE_ENV_SLUG: "" })),
        Effect.provide(FetchHttpClient.layer),
        Effect.either
      )
      assert.strictEqual(runs._tag, "Right")
    }))
})

describe("layerConfig", () => {
  it.effect("without AIRPLANE_API_KEY: InvalidRequest saying what to set, not a raw config error", () =>
    Effect.gen(function*() {
      for (const variables of [{}, { AIRPLANE_API_KEY: "" }]) {
        const error = yield* layerConfigFailure(variables)
        assert.isTrue(RunsError.isRunsError(error), String(error))
        assert.strictEqual(error._tag, "InvalidRequest")
        assert.include(error.message, "AIRPLANE_API_KEY: is not set")
        assert.include(error.message, "pass apiKey to Runs.layer")
        assert.notInclude(error.message, "<redacted>")
        assert.notInclude(error.message, "Missing data")
      }
    }))

  it.effect("an environment the runtime refuses to show (Deno without --allow-env): InvalidRequest, not a defect", () =>
    Effect.gen(function*() {
      // As Deno's `process.env`: a variable it may not show throws when read.
      const original = process.env
      const refuse = (name: string | symbol) => {
        if (typeof name === "string" && name.startsWith("AIRPLANE_")) {
          throw new Error(`Requires env access to "${name}", run again with the --allow-env flag`)
        }
      }
      const refusing = new Proxy(original, {
        get: (target, name) => (refuse(name), Reflect.get(target, name)),
        has: (target, name) => (refuse(name), Reflect.has(target, name))
      })
      const error = yield* Effect.acquireUseRelease(
        Effect.sync(() => {
          process.env = refusing
        }),
        () =>
          Effect.flip(Layer.build(Runs.layerConfig()).pipe(Effect.scoped)).pipe(
            Effect.withConfigProvider(ConfigProvider.fromEnv()),
            Effect.provide(FetchHttpClient.layer)
          ),
        () =>
          Effect.sync(() => {
            process.env = original
          })
      )
      assert.instanceOf(error, RunsError.InvalidRequest)
      assert.strictEqual((error as RunsError.InvalidRequest).operation, "configure")
      assert.include(error.message, "the environment could not be read (Requires env access to \"AIRPLANE_API_KEY\"")
      assert.include(error.message, "pass the options to Runs.layer")
    }))

  it.effect("names the variable a bad value came from", () =>
    Effect.gen(function*() {
      const error = yield* layerConfigFailure({ AIRPLANE_API_KEY: "tkn_x", AIRPLANE_API_HOST: "localhost:4010" })
      assert.strictEqual(error._tag, "InvalidRequest")
      const issues = (error as RunsError.InvalidRequest).issues
      assert.lengthOf(issues, 1)
      assert.match(issues[0], /^AIRPLANE_API_HOST: "localhost:4010" has no scheme: write http:\/\/localhost:4010/)
    }))
})

describe("options", () => {
  it.effect("a host without a scheme says so and shows the fix", () =>
    Effect.gen(function*() {
      const loopback = yield* configure({ apiKey: "tkn_x", host: "localhost:4010" })
      assert.strictEqual(
        loopback.message,
        "Invalid client options: host: \"localhost:4010\" has no scheme: write http://localhost:4010 " +
          "(plain http is allowed to a loopback host) or https://localhost:4010"
      )
      const remote = yield* configure({ apiKey: "tkn_x", host: "api.example.com" })
      assert.include(remote.issues[0], "has no scheme: write https://api.example.com")
    }))

  it.effect("no configuration error reads as a request ('Invalid configure request')", () =>
    Effect.gen(function*() {
      const errors = [
        yield* configure({ apiKey: "", host: "http://127.0.0.1:1" }),
        yield* configure({ apiKey: "tkn_x", host: "http://example.com" }),
        yield* configure({ apiKey: "tkn_x", prefetch: -1 })
      ]
      for (const error of errors) {
        assert.match(error.message, /^Invalid client options: /)
        assert.notInclude(error.message, "configure request")
      }
      assert.include(errors[1].message, "write https://example.com")
    }))

  it.effect("a host with credentials is refused without printing them", () =>
    Effect.gen(function*() {
      for (
        const host of ["https://user:pw0rd@api.example.com", "http://user:pw0rd@example.com", "user:pw0rd@example.com"]
      ) {
        const error = yield* configure({ apiKey: "tkn_x", host })
        assert.strictEqual(error.operation, "configure")
        assert.notInclude(error.message, "pw0rd")
      }
    }))
})

describe("layerConfig with a Config of the caller's", () => {
  it.scoped("takes each of the key, host and environment from the Config given, the rest from the variables", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      server.requestLog.clear()
      const runs = yield* Layer.build(
        Runs.layerConfig({ envSlug: Config.succeed("staging"), host: Config.string("MY_HOST") })
      ).pipe(
        Effect.map(Context.get(Runs.Runs)),
        Effect.withConfigProvider(fromEnv({ AIRPLANE_API_KEY: server.apiKey, MY_HOST: server.url }))
      )
      yield* Effect.flip(runs.get({ id: "run_missing" }))
      const [entry] = server.requestLog.entries()
      assert.strictEqual(entry.headers["x-airplane-env-slug"], "staging")
      assert.strictEqual(entry.status, 404)
    }).pipe(Effect.provide(Layer.merge(RunsServer.layer(), FetchHttpClient.layer))))

  it.effect("names a bad value by the option its Config fills, not by a variable it did not read", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Runs.layerConfig({ host: Config.succeed("localhost:1") }))).pipe(
        Effect.scoped,
        Effect.withConfigProvider(fromEnv({ AIRPLANE_API_KEY: "tkn_x" })),
        Effect.provide(FetchHttpClient.layer)
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.match((error as RunsError.InvalidRequest).issues[0], /^host: "localhost:1" has no scheme/)
    }))
})

describe("transformClient", () => {
  it.scoped("the caller's middleware sees each request as sent: origin, base path, headers", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const seen: Array<
        { readonly url: string; readonly accept: string | undefined; readonly slug: string | undefined }
      > = []
      const runs = yield* Runs.make({
        apiKey: server.apiKey,
        host: server.url,
        envSlug: "staging",
        transformClient: HttpClient.tapRequest((request) =>
          Effect.sync(() =>
            seen.push({
              url: request.url,
              accept: request.headers["accept"],
              slug: request.headers["x-airplane-env-slug"]
            })
          )
        )
      })
      yield* Effect.flip(runs.get({ id: "run_missing" }))
      assert.deepStrictEqual(seen, [{
        url: `${server.url}/v0/runs/get`,
        accept: "application/json",
        slug: "staging"
      }])
      const refused = yield* Effect.flip(Runs.make({ apiKey: "tkn_x", transformClient: 5 as never }))
      assert.include(refused.message, "transformClient: must be a function of an HttpClient")
    }).pipe(Effect.provide(Layer.merge(RunsServer.layer(), FetchHttpClient.layer))))
})

describe("a call's own options", () => {
  it.scoped("are checked before anything is sent: a duration that is none, an Idempotency-Key with a line break", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      server.requestLog.clear()
      const runs = yield* Runs.make({ apiKey: server.apiKey, host: server.url })
      const slow = yield* Effect.flip(runs.get({ id: "run_1" }, { attemptTimeout: "soon" as never }))
      assert.strictEqual(slow._tag, "InvalidRequest")
      assert.include(slow.message, "attemptTimeout: must be a duration")
      const split = yield* Effect.flip(runs.cancel({ runID: "run_1" }, { idempotencyKey: "k\r\nX-Injected: 1" }))
      assert.include(split.message, "idempotencyKey: must not contain CR, LF or NUL")
      const wait = yield* Effect.flip(runs.awaitCompletion({ id: "run_1" }, { deadline: "soon" as never }))
      assert.include(wait.message, "deadline: must be a duration")
      const policy = yield* Effect.flip(runs.get({ id: "run_1" }, { retry: { maxAttempts: 0 } as never }))
      assert.include(policy.message, "retry.maxAttempts: must be a whole number of 1 or more")
      assert.deepStrictEqual(server.requestLog.entries(), [])
    }).pipe(Effect.provide(Layer.merge(RunsServer.layer(), FetchHttpClient.layer))))
})

describe("configuration", () => {
  it.effect("plain http to a host that is not loopback is refused", () =>
    Effect.gen(function*() {
      const error = yield* configure({ apiKey: "tkn_x", host: "http://example.com" })
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.operation, "configure")
      assert.isTrue(error.issues.some((issue) => issue.startsWith("host:")), error.issues.join(" | "))
    }))

  it.effect("an empty key is refused", () =>
    Effect.gen(function*() {
      const error = yield* configure({ apiKey: "", host: "http://127.0.0.1:1" })
      assert.strictEqual(error.operation, "configure")
      assert.isTrue(error.issues.some((issue) => issue.startsWith("apiKey:")), error.issues.join(" | "))
    }))

  it.effect("header values with CR or LF are refused", () =>
    Effect.gen(function*() {
      const slug = yield* configure({ apiKey: "tkn_x", envSlug: "prod\r\nx-evil: 1" })
      assert.strictEqual(slug.operation, "configure")
      assert.isTrue(slug.issues.some((issue) => issue.startsWith("envSlug:")), slug.issues.join(" | "))
      const key = yield* configure({ apiKey: "tkn_x\nx-evil: 1" })
      assert.isTrue(key.issues.some((issue) => issue.startsWith("apiKey:")), key.issues.join(" | "))
      // The key is not echoed in the error.
      assert.notInclude(JSON.stringify(key), "tkn_x")
    }))

  it.effect("a host that is not a URL, or that carries credentials, is refused", () =>
    Effect.gen(function*() {
      const notUrl = yield* configure({ apiKey: "tkn_x", host: "api.airplane.dev" })
      assert.isTrue(notUrl.issues.some((issue) => issue.startsWith("host:")))
      const credentials = yield* configure({ apiKey: "tkn_x", host: "https://user:pw@api.airplane.dev" })
      assert.isTrue(credentials.issues.some((issue) => issue.startsWith("host:")))
    }))

  it.effect("https anywhere and plain http to loopback are accepted", () =>
    Effect.gen(function*() {
      for (
        const host of ["https://api.airplane.dev", "http://localhost:4010", "http://127.0.0.1:4010", "http://[::1]:1"]
      ) {
        const exit = yield* Effect.exit(Runs.make({ apiKey: "tkn_x", host }))
        assert.isTrue(Exit.isSuccess(exit), host)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.effect("layer fails the same way", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(Runs.layer({ apiKey: "tkn_x", host: "http://10.0.0.1" })).pipe(Effect.scoped)
      )
      assert.strictEqual(error.operation, "configure")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
