import { describe, expect, it } from "vitest"
import { medians } from "../src/stats.js"

describe("the bench's statistics", () => {
  it("takes the median of each key, rounded", () => {
    const samples = [{ a: 1, b: 10.04 }, { a: 3, b: 30.06 }, { a: 2, b: 20.05 }, { a: 9, b: 0 }]
    expect(medians(samples, ["a"])).toEqual({ a: 3 })
    expect(medians(samples, ["b"], 1)).toEqual({ b: 15 })
    expect(Object.entries(medians(samples, ["b", "a"], (key) => (key === "b" ? 2 : 0)))).toEqual([["b", 15.05], [
      "a",
      3
    ]])
  })
})
