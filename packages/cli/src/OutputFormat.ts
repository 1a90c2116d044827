/**
 * How `runs list` writes runs: a table that fits the terminal, a JSON array, NDJSON (one run a
 * line) or CSV. Each writer turns a batch of runs (a page) into text at once, so a listing of
 * any size streams through in the memory of a page.
 *
 * @example
 * ```ts
 * import { OutputFormat } from "@airplane-runs/cli"
 * import type { Runs } from "@airplane-runs/core"
 *
 * const toCsv = (runs: ReadonlyArray<Runs.Run>) => {
 *   const csv = OutputFormat.writer("csv")
 *   return csv.begin() + csv.rows(runs) + csv.end()
 * }
 * ```
 *
 * @since 0.2.0
 */
import * as Run from "@airplane-runs/contract/Run"
import type * as Runs from "@airplane-runs/core/Runs"
import * as Schema from "effect/Schema"

/**
 * The formats `--output` takes.
 *
 * @since 0.2.0
 * @category constants
 */
export const formats = ["table", "json", "ndjson", "csv"] as const

/**
 * One of {@link formats}.
 *
 * @since 0.2.0
 * @category models
 */
export type OutputFormat = (typeof formats)[number]

const encodeRun = Schema.encodeSync(Run.Run)

/**
 * A run as the API writes it (dates as RFC 3339): what `json`, `ndjson` and `runs get` print.
 *
 * @since 0.2.0
 * @category encoding
 */
export const toJson = (run: Runs.Run): unknown => encodeRun(run)

/**
 * The columns of a CSV listing, in order: the run's fields a spreadsheet sorts and filters on,
 * its parameter values as JSON.
 *
 * @since 0.2.0
 * @category constants
 */
export const csvColumns = [
  "id",
  "status",
  "taskID",
  "createdAt",
  "createdBy",
  "activeAt",
  "succeededAt",
  "failedAt",
  "cancelledAt",
  "cancelledBy",
  "paramValues"
] as const

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
const csvField = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  const text = value instanceof Date
    ? value.toISOString()
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text
}

/**
 * Turns batches of runs into the text of one format: `begin` before the first batch, `rows`
 * for each, `end` after the last.
 *
 * @since 0.2.0
 * @category models
 */
export interface Writer {
  readonly begin: () => string
  readonly rows: (runs: ReadonlyArray<Runs.Run>) => string
  readonly end: () => string
}

/**
 * How a writer lays out: `width`, the columns a table must fit (none: as wide as it needs).
 *
 * @since 0.2.0
 * @category models
 */
export interface WriterOptions {
  readonly width?: number | undefined
}

/**
 * The writer of a format.
 *
 * @since 0.2.0
 * @category constructors
 */
export const writer = (format: OutputFormat, options: WriterOptions = {}): Writer => {
  switch (format) {
    case "ndjson":
      return {
        begin: () => "",
        rows: (runs) => runs.map((run) => `${JSON.stringify(toJson(run))}\n`).join(""),
        end: () => ""
      }
    case "json": {
      let first = true
      return {
        begin: () => "[",
        rows: (runs) =>
          runs.map((run) => {
            const text = `${first ? "\n" : ",\n"}  ${JSON.stringify(toJson(run))}`
            first = false
            return text
          }).join(""),
        end: () => first ? "]\n" : "\n]\n"
      }
    }
    case "csv":
      return {
        begin: () => `${csvColumns.join(",")}\r\n`,
        rows: (runs) =>
          runs.map((run) => `${csvColumns.map((column) => csvField(run[column])).join(",")}\r\n`).join(""),
        end: () => ""
      }
    case "table":
      return tableWriter(options.width)
  }
}

interface Column {
  readonly header: string
  readonly cell: (run: Runs.Run) => string
}

const time = (date: Date | null | undefined) => date == null ? "-" : date.toISOString().slice(0, 19).replace("T", " ")

const ended = (run: Runs.Run) => run.succeededAt ?? run.failedAt ?? run.cancelledAt

const duration = (run: Runs.Run): string => {
  const end = ended(run)
  const start = run.activeAt ?? run.createdAt
  if (end == null || start == null) return "-"
  const seconds = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1_000))
  return seconds < 60
    ? `${seconds}s`
    : seconds < 3_600
    ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`
    : `${Math.floor(seconds / 3_600)}h${String(Math.floor((seconds % 3_600) / 60)).padStart(2, "0")}m`
}

// In the order they are given up when the terminal is narrow: last first.
const columns: ReadonlyArray<Column> = [
  { header: "ID", cell: (run) => run.id ?? "-" },
  { header: "STATUS", cell: (run) => run.status ?? "-" },
  { header: "CREATED (UTC)", cell: (run) => time(run.createdAt) },
  { header: "TASK", cell: (run) => run.taskID ?? "-" },
  { header: "DURATION", cell: duration }
]

const gap = "  "

const clip = (text: string, width: number) =>
  text.length <= width ? text : width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`

/**
 * The table: columns as wide as the first batch needs (so rows stream out as they come, in
 * the memory of a batch), the last ones left out while the table is wider than `width`, and
 * each line clipped to it when even the first two do not fit.
 */
const tableWriter = (width: number | undefined): Writer => {
  let layout: ReadonlyArray<{ readonly column: Column; readonly width: number }> | undefined
  const line = (cells: ReadonlyArray<string>) => {
    const text = cells.map((cell, i) =>
      i === cells.length - 1 ? cell : clip(cell, layout![i]!.width).padEnd(layout![i]!.width)
    ).join(gap).trimEnd()
    return `${width === undefined ? text : clip(text, width)}\n`
  }
  const plan = (runs: ReadonlyArray<Runs.Run>) => {
    let planned = columns.map((column) => ({
      column,
      width: Math.max(column.header.length, ...runs.map((run) => column.cell(run).length))
    }))
    const total = () => planned.reduce((sum, c) => sum + c.width, 0) + gap.length * (planned.length - 1)
    while (width !== undefined && planned.length > 2 && total() > width) planned = planned.slice(0, -1)
    return planned
  }
  return {
    begin: () => "",
    rows: (runs) => {
      if (runs.length === 0) return ""
      let text = ""
      if (layout === undefined) {
        layout = plan(runs)
        text += line(layout.map((c) => c.column.header))
      }
      for (const run of runs) text += line(layout.map((c) => c.column.cell(run)))
      return text
    },
    end: () => layout === undefined ? "No runs found.\n" : ""
  }
}
