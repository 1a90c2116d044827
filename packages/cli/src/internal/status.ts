/** A run's status on the terminal: the `--status` filter, and the line of each change. */
import * as RunStatus from "@airplane-runs/contract/RunStatus"
import type * as Runs from "@airplane-runs/core/Runs"
import * as Either from "effect/Either"

/** Reads `--status` values: each a status, in any case, or several joined by commas. */
export const parse = (values: ReadonlyArray<string>): Either.Either<ReadonlySet<RunStatus.RunStatus>, string> => {
  const found = new Set<RunStatus.RunStatus>()
  for (const value of values.flatMap((v) => v.split(","))) {
    const status = RunStatus.values.find((s) => s.toLowerCase() === value.trim().toLowerCase())
    if (status === undefined) {
      return Either.left(`--status takes ${RunStatus.values.join(", ")} (any case, comma-separated), got "${value}"`)
    }
    found.add(status)
  }
  return Either.right(found)
}

/** When the run came to its status, as the run says. */
const since = (run: Runs.Run): Date | null | undefined => {
  switch (run.status) {
    case "Active":
      return run.activeAt
    case "Succeeded":
      return run.succeededAt
    case "Failed":
      return run.failedAt
    case "Cancelled":
      return run.cancelledAt
    default:
      return run.createdAt
  }
}

/** One change of status: when, which run, what it is now. */
export const line = (run: Runs.Run): string =>
  `${since(run)?.toISOString() ?? "-".padEnd(24)}  ${run.id ?? "-"}  ${run.status ?? "-"}\n`

/** Whether a run finished otherwise than with success. */
export const failed = (run: Runs.Run): boolean => run.status === "Failed" || run.status === "Cancelled"
