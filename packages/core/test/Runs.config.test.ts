/**
 * The client's options and the environment they may come from: one reader of the
 * environment (`Runs.config`), problems named as the caller wrote them, fixes shown.
 */
import { Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"

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
