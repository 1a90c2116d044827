/**
 * A runtime that guards its environment, as Deno does without `--allow-env`: reading a
 * variable throws. The constructor reads only the variables of the options not given, so a
 * program that passes them needs no permission; a refused key is reported as the facade's
 * error, never as the runtime's raw one. (compat/ runs the same on Deno itself.)
 */
import { AirplaneRuns, InvalidRequestError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer } from "./utils/server.js"

let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await startServer({ seed: { runs: 5 } })
})

afterAll(async () => {
  await server?.stop()
})

class NotCapable extends Error {}

/** Runs `f` with a `process.env` that refuses the client's variables, and says which were read. */
const guarded = <A>(f: () => A): { readonly result: A; readonly read: ReadonlyArray<string> } => {
  const original = process.env
  const read: Array<string> = []
  const refuse = (name: string | symbol) => {
    if (typeof name === "string" && name.startsWith("AIRPLANE_")) {
      read.push(name)
      throw new NotCapable(`Requires env access to "${name}", run again with the --allow-env flag`)
    }
  }
  // As Deno's: a variable it may not show throws when read, and listing them all throws.
  process.env = new Proxy(original, {
    get: (target, name) => (refuse(name), Reflect.get(target, name)),
    has: (target, name) => (refuse(name), Reflect.has(target, name)),
    getOwnPropertyDescriptor: (target, name) => (refuse(name), Reflect.getOwnPropertyDescriptor(target, name)),
    ownKeys: () => {
      throw new NotCapable("Requires env access to all, run again with the --allow-env flag")
    }
  })
  try {
    return { result: f(), read }
  } finally {
    process.env = original
  }
}

describe("an environment the runtime refuses to show", () => {
  it("every option given: nothing is read, and the client works", async () => {
    const { read, result: client } = guarded(() =>
      new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, envSlug: "prod", envId: "env1" })
    )
    try {
      expect(read).toEqual([])
      const run = server.store.list({ limit: 1 })[0]!
      expect((await client.runs.get({ id: run.id! })).id).toBe(run.id)
    } finally {
      await client.close()
    }
  })

  it("the key and origin given: the environment variables refused count as unset", async () => {
    const { read, result: client } = guarded(() => new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url }))
    try {
      expect(read).toEqual(["AIRPLANE_ENV_SLUG", "AIRPLANE_ENV_ID"])
      const run = server.store.list({ limit: 1 })[0]!
      expect((await client.runs.get({ id: run.id! })).id).toBe(run.id)
    } finally {
      await client.close()
    }
  })

  it("no key given, and the runtime refuses AIRPLANE_API_KEY: InvalidRequestError that says so", () => {
    let thrown: unknown
    guarded(() => {
      try {
        new AirplaneRuns({ baseUrl: server.url })
      } catch (error) {
        thrown = error
      }
    })
    expect(thrown).toBeInstanceOf(InvalidRequestError)
    expect((thrown as Error).message).toMatch(
      /Missing API key: pass new AirplaneRuns\(\{ apiKey \}\), or let the runtime read AIRPLANE_API_KEY, which it refused: Requires env access/
    )
  })
})
