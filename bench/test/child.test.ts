import { execFileSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { parseReport, reportSource } from "../src/child.js"

describe("a measured child's exit report", () => {
  it("is the last line of its stdout", () => {
    expect(parseReport("warming up\n{\"count\":20000,\"cpuMs\":683.5,\"peakMb\":91.1}\n")).toEqual({
      count: 20_000,
      cpuMs: 683.5,
      peakMb: 91.1
    })
  })

  it("fails the bench when missing or incomplete", () => {
    expect(() => parseReport("")).toThrow(/no report/)
    expect(() => parseReport("Error: boom")).toThrow(/no report/)
    expect(() => parseReport("{\"count\":1,\"cpuMs\":2}")).toThrow(/peakMb/)
    expect(() => parseReport("null")).toThrow(/lacks/)
  })

  it("is what reportSource prints, in a node -e", () => {
    const report = parseReport(execFileSync(process.execPath, ["-e", `const count = 3; ${reportSource}`]).toString())
    expect(report.count).toBe(3)
    expect(report.cpuMs).toBeGreaterThan(0)
    expect(report.peakMb).toBeGreaterThan(0)
  })
})
