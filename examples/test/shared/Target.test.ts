import { Runs } from "@airplane-runs/core"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { afterEach } from "vitest"
import { ExampleTarget, layer, open, type Target } from "../../shared/Target.js"

const options = { seed: { runs: 10 } }

/** The target as an Effect example gets it, and as a Promise example does: they must agree. */
const bothTargets = async (): Promise<ReadonlyArray<Omit<Target, "server"> & { readonly embedded: boolean }>> => {
  const plain = ({ server, ...target }: Target) => ({ ...target, embedded: server !== undefined })
  const layered = await Effect.runPromise(
    Effect.scoped(Effect.provide(Effect.map(ExampleTarget, plain), layer(options)))
  )
  await using opened = await open(options)
  return [layered, plain(opened)]
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe("Target reads the environment as the clients do (core's Runs.config)", () => {
  it("no key, or one set but empty: the embedded server", async () => {
    for (const key of [undefined, ""]) {
      vi.stubEnv("AIRPLANE_API_KEY", key)
      for (const target of await bothTargets()) {
        assert.isTrue(target.embedded, JSON.stringify(key))
        assert.include(target.description, "the embedded server")
      }
    }
  })

  it("a key: that API, at AIRPLANE_API_HOST, or the default host when it is unset or empty", async () => {
    vi.stubEnv("AIRPLANE_API_KEY", "tkn_example")
    const hosts: ReadonlyArray<[string | undefined, string]> = [
      ["https://api.example.test", "https://api.example.test"],
      ["", Runs.defaultHost],
      [undefined, Runs.defaultHost]
    ]
    for (const [host, expected] of hosts) {
      vi.stubEnv("AIRPLANE_API_HOST", host)
      for (const target of await bothTargets()) {
        assert.isFalse(target.embedded)
        assert.strictEqual(Redacted.value(target.apiKey), "tkn_example")
        assert.strictEqual(target.host, expected)
        assert.strictEqual(target.description, `the API at ${expected} (AIRPLANE_API_KEY is set)`)
      }
    }
  })
})
