import { describe, expect, it } from "vitest"
import { projectManifest, tarballsByName } from "../src/packed.js"

describe("the packed packages", () => {
  it("names each tarball's package from its file name", () => {
    expect(
      tarballsByName([
        "airplane-runs-contract-0.1.0.tgz",
        "airplane-runs-promise-1.2.0-beta.1.tgz",
        "airplane-runs-some-thing-0.1.0.tgz",
        "notes.txt"
      ])
    ).toEqual({
      "@airplane-runs/contract": "airplane-runs-contract-0.1.0.tgz",
      "@airplane-runs/promise": "airplane-runs-promise-1.2.0-beta.1.tgz",
      "@airplane-runs/some-thing": "airplane-runs-some-thing-0.1.0.tgz"
    })
  })

  it("installs the direct tarballs and overrides every other one, so npm never asks the registry for them", () => {
    const tarballs = { "@airplane-runs/core": "/p/core.tgz", "@airplane-runs/promise": "/p/promise.tgz" }
    expect(projectManifest("x", tarballs, ["@airplane-runs/promise"], { undici: "7.30.2" })).toEqual({
      name: "x",
      private: true,
      type: "module",
      dependencies: { "@airplane-runs/promise": "file:/p/promise.tgz", undici: "7.30.2" },
      overrides: { "@airplane-runs/core": "file:/p/core.tgz" }
    })
    expect(() => projectManifest("x", tarballs, ["@airplane-runs/server"], {})).toThrow(/no tarball/)
  })
})
