/**
 * What a run of the bench writes: the results (the JSON), the targets of the issue as
 * ratios, a readable table, and the charts, all from the results alone.
 */
import type { PaginationResult } from "./pagination.js"
import { type Walker, type WalkFigures, walkLimit, walkRuns } from "./walk.js"

export interface Overhead {
  readonly rawFetchUs: number
  readonly rawUndiciUs: number
  readonly openapiFetchUs: number
  readonly coreFetchUs: number
  readonly coreUndiciUs: number
  readonly promiseUs: number
  readonly coreFacadeUndiciUs: number
  readonly promiseFetchUs: number
}

export interface Results {
  readonly mode: "full" | "quick"
  readonly date: string
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpu: string }
  readonly overhead: { readonly get: Overhead; readonly listPage: Overhead }
  readonly pagination: PaginationResult
  readonly memory: { readonly runs10kPeakMb: number; readonly runs100kPeakMb: number }
  readonly bundle: {
    readonly promiseGetKb: number
    readonly coreGetKb: number
    readonly openapiFetchKb: number
    readonly promiseGetNodeKb: number
    readonly floorGetKb: number
    readonly httpApiClientGetKb: number
  }
  readonly coldStart: { readonly promiseMs: number; readonly nodeMs: number }
  /** The whole-process walk, 0 ms latency: CPU and wall ms, peak RSS MB of each walker's process. */
  readonly walk: WalkFigures<Walker>
  /** The same with 10 ms of server latency, the sequential loop against the facade: wall ms. */
  readonly walkLatency10: { readonly loopWallMs: number; readonly facadeWallMs: number }
  /** Whole process: `node -e` alone, and import + construct + close of the packed facade. */
  readonly startup: {
    readonly nodeMs: number
    readonly nodePeakMb: number
    readonly facadeMs: number
    readonly facadePeakMb: number
  }
  /** The apparent size of node_modules when only the facade is installed, MB (2^20 bytes). */
  readonly install: { readonly facadeMb: number }
  readonly targets: ReadonlyArray<Target>
}

export interface Target {
  readonly name: string
  /** What was measured: a ratio, or a value in `unit`. */
  readonly ratio: number
  /** The unit of `ratio` and of the limit, when they are not ratios. */
  readonly unit?: string
  /** `<=` limits are upper bounds, `>=` lower bounds. */
  readonly limit: string
  readonly holds: boolean
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100

const atMost = (name: string, value: number, limit: number, unit?: string): Target => ({
  name,
  ratio: value,
  ...(unit === undefined ? {} : { unit }),
  limit: `<= ${limit}${unit === undefined ? "" : ` ${unit}`}`,
  holds: value <= limit
})

/** The issue's targets, as measured. */
export const targets = (r: Omit<Results, "targets">): ReadonlyArray<Target> => {
  const get = r.overhead.get
  const list = r.overhead.listPage
  const speedup = ratio(r.pagination.sequentialMs, r.pagination.prefetch8Ms)
  const w = r.walk
  const walk = (client: "core" | "facade") => [
    atMost(`walk, ${client} / loop, CPU (whole process)`, ratio(w[`${client}CpuMs`], w.loopCpuMs), 1.5),
    atMost(`walk, ${client} / loop, wall (whole process)`, ratio(w[`${client}WallMs`], w.loopWallMs), 1.0),
    atMost(`walk, ${client} / loop, peak RSS (whole process)`, ratio(w[`${client}PeakMb`], w.loopPeakMb), 1.3)
  ]
  return [
    ...walk("facade"),
    ...walk("core"),
    atMost(
      "walk, 10 ms latency, facade / sequential loop, wall (whole process)",
      ratio(r.walkLatency10.facadeWallMs, r.walkLatency10.loopWallMs),
      0.3
    ),
    atMost(
      "start-up, facade import + construct + close over node -e, wall",
      r.startup.facadeMs - r.startup.nodeMs,
      150,
      "ms"
    ),
    atMost(
      "start-up, facade import + construct + close over node -e, peak RSS",
      Math.round((r.startup.facadePeakMb - r.startup.nodePeakMb) * 10) / 10,
      60,
      "MB"
    ),
    atMost("core get over fetch / raw fetch", ratio(get.coreFetchUs, get.rawFetchUs), 1.5),
    atMost("core get over undici / raw fetch", ratio(get.coreUndiciUs, get.rawFetchUs), 1.0),
    atMost("core get over undici / raw undici", ratio(get.coreUndiciUs, get.rawUndiciUs), 2.0),
    atMost("promise get (default transport) / raw fetch", ratio(get.promiseUs, get.rawFetchUs), 1.0),
    atMost("core list page over fetch / raw fetch", ratio(list.coreFetchUs, list.rawFetchUs), 1.5),
    atMost("core list page over undici / raw undici", ratio(list.coreUndiciUs, list.rawUndiciUs), 2.0),
    { name: "sequential loop / prefetch 8 (speed-up)", ratio: speedup, limit: ">= 4", holds: speedup >= 4 },
    atMost("bundle, facade get (browser), min+gz", r.bundle.promiseGetKb, 150, "KB"),
    atMost("install, the facade alone, node_modules", r.install.facadeMb, 10, "MB"),
    atMost("peak RSS 100k runs / 10k runs", ratio(r.memory.runs100kPeakMb, r.memory.runs10kPeakMb), 1.1)
  ]
}

/** The subjects of the overhead figure, in the order of the table and the chart. */
export const subjects: ReadonlyArray<{ readonly key: keyof Overhead; readonly label: string }> = [
  { key: "rawFetchUs", label: "raw fetch + JSON.parse" },
  { key: "rawUndiciUs", label: "raw undici.request + JSON.parse" },
  { key: "openapiFetchUs", label: "openapi-fetch (peer)" },
  { key: "coreFetchUs", label: "core, FetchHttpClient" },
  { key: "coreUndiciUs", label: "core, NodeHttpClient.layerUndici" },
  { key: "promiseUs", label: "promise facade (default: undici)" },
  { key: "coreFacadeUndiciUs", label: "core, the facade's undici client" },
  { key: "promiseFetchUs", label: "promise facade, `fetch` option" }
]

/** The walkers of the whole-process figure, in the order of the table and the chart. */
export const walkerRows: ReadonlyArray<{ readonly key: Walker; readonly label: string }> = [
  { key: "loop", label: "hand-written fetch loop" },
  { key: "openapiFetch", label: "openapi-fetch (peer)" },
  { key: "core", label: "core, Stream.runCount of list" },
  { key: "facade", label: "promise facade, for await" }
]

const markdownTable = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")

const n = (value: number) => value.toLocaleString("en-US")

/** The results as Markdown tables: printed by the bench and embedded in the README. */
export const table = (r: Results): string => {
  const x = (value: number, base: number) => `${ratio(value, base).toFixed(2)} x`
  const overhead = markdownTable(
    ["client", "get, CPU us", "vs raw fetch", "list page of 50, CPU us", "vs raw fetch"],
    subjects.map(({ key, label }) => [
      label,
      n(r.overhead.get[key]),
      x(r.overhead.get[key], r.overhead.get.rawFetchUs),
      n(r.overhead.listPage[key]),
      x(r.overhead.listPage[key], r.overhead.listPage.rawFetchUs)
    ])
  )
  const p = r.pagination
  const pagination = markdownTable(
    ["walk of 100 pages, 20 ms latency", "wall ms", "speed-up vs sequential"],
    [
      ["sequential loop (openapi-fetch)", n(p.sequentialMs), "1.00 x"],
      ...([0, 1, 4, 8] as const).map((k) => {
        const ms = p[`prefetch${k}Ms`]
        return [`core list, prefetch ${k}`, n(ms), x(p.sequentialMs, ms)]
      })
    ]
  )
  const w = r.walk
  const vs = (value: number, base: number) => `${n(value)} (${x(value, base)})`
  const walk = markdownTable(
    [`walk of ${n(walkRuns)} runs (pages of ${walkLimit}), 0 ms latency`, "CPU ms", "wall ms", "peak RSS MB"],
    walkerRows.map(({ key, label }) => [
      label,
      vs(w[`${key}CpuMs`], w.loopCpuMs),
      vs(w[`${key}WallMs`], w.loopWallMs),
      vs(w[`${key}PeakMb`], w.loopPeakMb)
    ])
  )
  const l10 = r.walkLatency10
  const walkLatency10 = markdownTable([`the same, 10 ms latency`, "wall ms", "vs sequential loop"], [
    ["hand-written fetch loop, sequential", n(l10.loopWallMs), "1.00 x"],
    ["promise facade, for await (default prefetch)", n(l10.facadeWallMs), x(l10.facadeWallMs, l10.loopWallMs)]
  ])
  const other = markdownTable(["figure", "value"], [
    ["peak RSS, streaming 10,000 runs", `${r.memory.runs10kPeakMb} MB`],
    ["peak RSS, streaming 100,000 runs", `${r.memory.runs100kPeakMb} MB`],
    ["bundle, promise facade + get (browser)", `${r.bundle.promiseGetKb} KB`],
    ["bundle, promise facade + get (Node, undici in)", `${r.bundle.promiseGetNodeKb} KB`],
    ["bundle, core Runs + FetchHttpClient + get", `${r.bundle.coreGetKb} KB`],
    ["bundle, openapi-fetch + get", `${r.bundle.openapiFetchKb} KB`],
    ["bundle, FetchHttpClient + Run schema by hand + get", `${r.bundle.floorGetKb} KB`],
    ["bundle, HttpApiClient of the contract + get", `${r.bundle.httpApiClientGetKb} KB`],
    ["cold start, import the facade + one get", `${r.coldStart.promiseMs} ms`],
    ["cold start, an empty script", `${r.coldStart.nodeMs} ms`],
    ["start-up, whole process: node -e alone (wall, peak RSS)", `${r.startup.nodeMs} ms, ${r.startup.nodePeakMb} MB`],
    [
      "start-up, whole process: import + construct + close of the packed facade",
      `${r.startup.facadeMs} ms, ${r.startup.facadePeakMb} MB`
    ],
    ["install, the facade alone: node_modules (apparent size)", `${r.install.facadeMb} MB`]
  ])
  const goals = markdownTable(
    ["target", "measured", "target", "holds"],
    r.targets.map((t) => [
      t.name,
      t.unit === undefined ? t.ratio.toFixed(2) : `${n(t.ratio)} ${t.unit}`,
      t.limit,
      t.holds ? "yes" : "**no**"
    ])
  )
  return [
    `${
      r.mode === "quick" ? "Quick run (`--quick`, fewer iterations)" : "Full run"
    } of ${r.date}, Node ${r.machine.node}, ${r.machine.cpus} x ${r.machine.cpu}. Pages in the same order in every walk: ${
      p.sameOrder ? "yes" : "**NO**"
    }.`,
    "### Targets",
    goals,
    "### Overhead per call (median CPU of the client process)",
    overhead,
    "### Pagination",
    pagination,
    "### Whole process (a fresh node per walk, the packed packages; in brackets: vs the loop)",
    walk,
    walkLatency10,
    "### Memory, bundle size, start-up, install",
    other
  ].join("\n\n")
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const svg = (width: number, height: number, body: ReadonlyArray<string>) =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    "</svg>",
    ""
  ].join("\n")

const text = (x: number, y: number, content: string, attrs = "") =>
  `<text x="${x}" y="${y}" ${attrs}>${escape(content)}</text>`

/** Wall time of the 100-page walk against prefetch, the sequential loop as a line across. */
export const paginationChart = (r: Results): string => {
  const p = r.pagination
  const width = 640
  const height = 360
  const left = 70
  const right = 180
  const top = 40
  const bottom = 50
  const plotW = width - left - right
  const plotH = height - top - bottom
  const points = ([0, 1, 4, 8] as const).map((k) => ({ k, ms: p[`prefetch${k}Ms`] }))
  const maxMs = Math.max(p.sequentialMs, ...points.map((pt) => pt.ms)) * 1.1
  const xOf = (k: number) => left + (k / 8) * plotW
  const yOf = (ms: number) => Math.round((top + plotH - (ms / maxMs) * plotH) * 10) / 10
  const step = maxMs > 2000 ? 500 : maxMs > 800 ? 200 : 100
  const body: Array<string> = [
    text(left, 22, `Walking ${p.pages} pages (${n(p.runs)} runs), ${p.latencyMs} ms server latency`, `font-size="14"`)
  ]
  for (let ms = 0; ms <= maxMs; ms += step) {
    body.push(`<line x1="${left}" x2="${left + plotW}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="#e5e5e5"/>`)
    body.push(text(left - 8, yOf(ms) + 4, n(ms), `text-anchor="end" fill="#555"`))
  }
  for (const { k } of points) {
    body.push(text(xOf(k), top + plotH + 18, String(k), `text-anchor="middle" fill="#555"`))
  }
  body.push(
    text(left + plotW / 2, height - 12, "prefetch (pages fetched ahead by core's list)", `text-anchor="middle"`)
  )
  body.push(text(16, top + plotH / 2, "wall ms", `transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle"`))
  const seqY = yOf(p.sequentialMs)
  body.push(
    `<line x1="${left}" x2="${
      left + plotW
    }" y1="${seqY}" y2="${seqY}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/>`
  )
  body.push(text(left + plotW + 8, seqY + 4, `sequential loop ${n(p.sequentialMs)} ms`, `fill="#c0392b"`))
  body.push(
    `<polyline fill="none" stroke="#2c6fbb" stroke-width="2.5" points="${
      points.map((pt) => `${xOf(pt.k)},${yOf(pt.ms)}`).join(" ")
    }"/>`
  )
  for (const pt of points) {
    body.push(`<circle cx="${xOf(pt.k)}" cy="${yOf(pt.ms)}" r="4" fill="#2c6fbb"/>`)
    body.push(text(xOf(pt.k) + 6, yOf(pt.ms) - 8, `${n(pt.ms)} ms`, `fill="#2c6fbb"`))
  }
  body.push(text(left + plotW + 8, yOf(points[3].ms) + 22, "core list", `fill="#2c6fbb"`))
  return svg(width, height, body)
}

/**
 * Horizontal bars, one row a subject, one panel a figure side by side, each to its own scale;
 * a dashed line across each panel at the reference row's value.
 */
const barChart = (options: {
  readonly title: string
  readonly rows: ReadonlyArray<{ readonly label: string; readonly color: string }>
  readonly panels: ReadonlyArray<{ readonly title: string; readonly values: ReadonlyArray<number> }>
  readonly reference: number
  readonly note: string
}): string => {
  const labelW = 230
  const panelW = 230
  const gap = 30
  const rowH = 24
  const top = 56
  const { panels, rows } = options
  const width = labelW + panels.length * (panelW + gap) + 10
  const height = top + rows.length * rowH + 30
  const body: Array<string> = [text(10, 22, options.title, `font-size="14"`)]
  panels.forEach(({ title, values }, i) => {
    const x0 = labelW + i * (panelW + gap)
    const max = Math.max(...values) * 1.25
    body.push(text(x0, top - 12, title, `font-weight="bold"`))
    rows.forEach(({ color }, row) => {
      const y = top + row * rowH
      const w = (values[row] / max) * panelW
      body.push(`<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${color}"/>`)
      body.push(text(x0 + w + 4, y + rowH - 12, n(values[row]), `fill="#333"`))
    })
    const fx = Math.round((x0 + (values[options.reference] / max) * panelW) * 10) / 10
    body.push(
      `<line x1="${fx}" x2="${fx}" y1="${top - 4}" y2="${
        top + rows.length * rowH
      }" stroke="#c0392b" stroke-dasharray="4 3"/>`
    )
  })
  rows.forEach(({ label }, row) => body.push(text(10, top + row * rowH + rowH - 12, label)))
  body.push(text(10, height - 10, options.note, `fill="#c0392b"`))
  return svg(width, height, body)
}

const ours = "#2c6fbb"
const raw = "#95a5a6"
const peer = "#e67e22"

/** CPU per call of every subject, `get` and list page side by side, raw fetch marked. */
export const overheadChart = (r: Results): string =>
  barChart({
    title: "CPU per call, microseconds (median; less is better)",
    rows: subjects.map(({ key, label }) => ({
      label,
      color: key.startsWith("raw") ? raw : key === "openapiFetchUs" ? peer : ours
    })),
    panels: [
      { title: "get", values: subjects.map(({ key }) => r.overhead.get[key]) },
      { title: "list page of 50 runs", values: subjects.map(({ key }) => r.overhead.listPage[key]) }
    ],
    reference: 0,
    note: "dashed: raw fetch, the reference of the targets"
  })

/** The whole-process walk: CPU, wall and peak RSS of each walker's process, the loop marked. */
export const walkChart = (r: Results): string =>
  barChart({
    title: `Walking ${n(walkRuns)} runs, a fresh node process each, 0 ms latency (median; less is better)`,
    rows: walkerRows.map(({ key, label }) => ({
      label,
      color: key === "loop" ? raw : key === "openapiFetch" ? peer : ours
    })),
    panels: [
      { title: "CPU ms", values: walkerRows.map(({ key }) => r.walk[`${key}CpuMs`]) },
      { title: "wall ms", values: walkerRows.map(({ key }) => r.walk[`${key}WallMs`]) },
      { title: "peak RSS MB", values: walkerRows.map(({ key }) => r.walk[`${key}PeakMb`]) }
    ],
    reference: 0,
    note: "dashed: the hand-written fetch loop, the reference of the targets"
  })

const start = "<!-- bench:results:start -->"
const end = "<!-- bench:results:end -->"

/** The README with its results section replaced by this run's tables. */
export const updateReadme = (readme: string, r: Results): string => {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`bench: README.md has no ${start} ... ${end} section`)
  return `${readme.slice(0, from + start.length)}\n\n${table(r)}\n\n${readme.slice(to)}`
}
