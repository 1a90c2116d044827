import { describe, expect, it } from "vitest"
import { walkSample } from "../src/walk.js"

describe("the whole-process walk", () => {
  it("keys a child's figures by its walker, as the results name them", () => {
    expect(walkSample("facade", { count: 20_000, cpuMs: 1_000, peakMb: 110 }, 1_700)).toEqual({
      facadeCpuMs: 1_000,
      facadeWallMs: 1_700,
      facadePeakMb: 110
    })
  })
})
