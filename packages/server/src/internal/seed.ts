/**
 * The seeded data set: tasks with their parameters and runtime, and runs spread over a window
 * of days, each with the times of its lifecycle and a share of the shapes the API's document
 * shows (Postgres-text timestamps, private runs and their permissions, agent labels, sessions,
 * storage zones), so a client's tests meet every one of them.
 */
import type { Json, Run } from "@airplane-runs/contract"
import type { Task, TimestampFormat } from "../RunStore.js"
import * as Random from "./random.js"

/** What a run carries beside its lifecycle: the optional shapes of the run object. */
export interface Extras {
  readonly timestamps: TimestampFormat
  readonly sessionID: string | null
  readonly zoneID: string | null
  readonly isPrivate: boolean
  readonly permissions: ReadonlyArray<Run.Permission>
  readonly labels: ReadonlyArray<Run.AgentLabel>
}

/**
 * A run as the store keeps it: the times it moves through, from which its status is read. Every
 * run ends: `endsAt` is finite, or else `cancelledAt` is.
 */
export interface StoredRun {
  readonly id: string
  readonly task: Task
  readonly createdAt: number
  readonly queuedAt: number
  readonly activeAt: number
  /** When it succeeds or fails, unless a cancel comes first. */
  readonly endsAt: number
  readonly outcome: "Succeeded" | "Failed"
  /** When it was cancelled, or will be (a seeded cancel). */
  cancelledAt?: number
  readonly paramValues: { readonly [key: string]: Json.Json }
  readonly resources: { readonly [key: string]: string }
  readonly output: Json.Json
  readonly extras: Extras
}

/** The shapes of a run started through the API: no session, zone, labels or permissions. */
export const plainExtras: Extras = {
  timestamps: "rfc3339",
  sessionID: null,
  zoneID: null,
  isPrivate: false,
  permissions: [],
  labels: []
}

interface TaskKind {
  readonly slug: string
  readonly runtime: "standard" | "workflow"
  readonly timeout: number
  readonly params: ReadonlyArray<Run.Parameter>
  /** Values a seeded run was given for `params`. */
  readonly values: (random: Random.Random) => { readonly [key: string]: Json.Json }
}

const people = ["Ada", "Grace", "Alan", "Edsger", "Barbara"]
const customers = ["acme", "globex", "initech", "umbrella"]
const services = ["api", "billing", "search", "worker"]

// One kind per slug, cycled when more tasks are asked for: between them, every field of a
// parameter definition the spec names (types, defaults, constraints, components, nested params).
const taskKinds: ReadonlyArray<TaskKind> = [
  {
    slug: "hello_world",
    runtime: "standard",
    timeout: 3600,
    params: [{
      slug: "name",
      name: "Name",
      type: "string",
      desc: "Who to greet.",
      default: "World",
      constraints: { optional: true }
    }],
    values: (random) => ({ name: random.pick(people) })
  },
  {
    slug: "send_invoice",
    runtime: "standard",
    timeout: 600,
    params: [
      { slug: "customer", name: "Customer", type: "string", constraints: { options: customers } },
      { slug: "amount", name: "Amount", type: "float", desc: "In euros." },
      { slug: "memo", name: "Memo", type: "string", component: "textarea", constraints: { optional: true } }
    ],
    values: (random) => ({ customer: random.pick(customers), amount: (100 + random.int(99_900)) / 100 })
  },
  { slug: "sync_users", runtime: "standard", timeout: 3600, params: [], values: () => ({}) },
  {
    slug: "nightly_report",
    runtime: "workflow",
    timeout: 7200,
    params: [
      { slug: "date", name: "Date", type: "date", constraints: { optional: true } },
      { slug: "format", name: "Format", type: "string", default: "pdf", constraints: { options: ["pdf", "csv"] } }
    ],
    values: (random) => ({ format: random.pick(["pdf", "csv"]) })
  },
  {
    slug: "resize_images",
    runtime: "standard",
    timeout: 1800,
    params: [
      { slug: "bucket", name: "Bucket", type: "string", constraints: { regex: "^[a-z0-9-]+$" } },
      { slug: "sizes", name: "Sizes", type: "list", values: { type: "integer" } },
      {
        slug: "options",
        name: "Options",
        type: "object",
        params: [
          { slug: "quality", name: "Quality", type: "integer", default: 80 },
          { slug: "keep_exif", name: "Keep EXIF", type: "boolean", default: false }
        ]
      }
    ],
    values: (random) => ({
      bucket: random.pick(["media-eu", "media-us"]),
      sizes: [320, 640, 1280].slice(0, 1 + random.int(3)),
      options: { quality: 60 + random.int(40), keep_exif: random.next() > 0.5 }
    })
  },
  {
    slug: "rotate_keys",
    runtime: "standard",
    timeout: 900,
    params: [
      { slug: "service", name: "Service", type: "string", constraints: { options: services } },
      { slug: "reason", name: "Reason", type: "string", component: "textarea", constraints: { optional: true } }
    ],
    values: (random) => ({ service: random.pick(services), reason: "scheduled rotation" })
  },
  {
    slug: "backfill_orders",
    runtime: "workflow",
    timeout: 14_400,
    params: [
      { slug: "query", name: "Query", type: "string", component: "editor-sql" },
      { slug: "since", name: "Since", type: "datetime" }
    ],
    values: () => ({ query: "select id from orders where synced = false", since: "2025-01-01T00:00:00Z" })
  },
  {
    slug: "deploy_service",
    runtime: "workflow",
    timeout: 3600,
    params: [
      { slug: "service", name: "Service", type: "string", constraints: { options: services } },
      { slug: "version", name: "Version", type: "string", constraints: { regex: "^v\\d+\\.\\d+\\.\\d+$" } }
    ],
    values: (random) => ({ service: random.pick(services), version: `v1.${random.int(20)}.${random.int(10)}` })
  }
]

/** The seeded tasks: the first eight slugs, then the same with `_1`, `_2`... */
export const seedTasks = (random: Random.Random, count: number): Array<Task> =>
  Array.from({ length: Math.max(1, count) }, (_, i) => {
    const kind = taskKinds[i % taskKinds.length]!
    const slug = kind.slug + (i < taskKinds.length ? "" : `_${Math.floor(i / taskKinds.length)}`)
    return {
      id: Random.id(random, "tsk", Date.UTC(2021, 6, 28)),
      slug,
      name: slug.split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" "),
      params: kind.params,
      runtime: kind.runtime,
      timeout: kind.timeout
    }
  })

const valuesOf = (task: Task, random: Random.Random) =>
  taskKinds.find((kind) => task.slug === kind.slug || task.slug.startsWith(`${kind.slug}_`))!.values(random)

const outputShapes: ReadonlyArray<(random: Random.Random, index: number) => Json.Json> = [
  () => ({ element: "hydrogen", weight: "1.008" }),
  (random) => Array.from({ length: 1 + random.int(3) }, (_, i) => ({ row: i, ok: random.next() > 0.2 })),
  (_, index) => `processed batch ${index}`,
  (random) => Math.round(random.next() * 100_000) / 100,
  (random) => random.next() > 0.5,
  () => null,
  (random, index) => ({ summary: { index, items: [random.int(10), random.int(10)] }, tags: ["seeded"] })
]

/**
 * The shares of seeded runs with each optional shape. A quarter in Postgres text is enough for
 * a page of 50 to hold both forms; the rest are what a busy team's runs look like.
 */
export const shares = {
  postgresText: 0.25,
  private: 0.1,
  labels: 0.3,
  session: 0.15,
  zone: 0.4
} as const

/** The storage zone of the seeded team. */
export const zoneId = "zon20230224zu6zo7yyn65"
const groupId = "grp20220222zaigy4h2bw3"

const extrasOf = (random: Random.Random, createdAt: number, userId: string): Extras => {
  const isPrivate = random.next() < shares.private
  const labelled = random.next() < shares.labels
  const region = random.pick(["us-west-2", "eu-central-1"])
  return {
    timestamps: random.next() < shares.postgresText ? "postgres" : "rfc3339",
    isPrivate,
    // A private run lists who may see and cancel it; a public one has no explicit permissions.
    permissions: isPrivate
      ? [
        { action: "runs.get", roleID: "run_viewer", subUserID: userId, subGroupID: null },
        { action: "runs.cancel", roleID: "task_admin", subGroupID: groupId, subUserID: null }
      ]
      : [],
    labels: labelled ? [{ key: "aws-region", value: region }, { key: "env", value: "prod" }] : [],
    sessionID: random.next() < shares.session ? Random.id(random, "ses", createdAt) : null,
    zoneID: random.next() < shares.zone ? zoneId : null
  }
}

const minute = 60_000

/**
 * The newest runs of the window are still going at its end: created in its last quarter hour,
 * they finish in the minutes after it, as a live API's runs would. The older runs were all
 * done well before: their lifecycles take at most ~10 minutes.
 */
export const liveWindowMs = 15 * minute
const liveShare = 0.03

/**
 * Seeds `count` runs created between `since` and `until`, oldest first. Of the runs still
 * going at `until`, the newest fifth have not started, the next three tenths are queued, the
 * rest active.
 */
export const seedRuns = (
  random: Random.Random,
  tasks: ReadonlyArray<Task>,
  options: { readonly count: number; readonly since: number; readonly until: number; readonly userId: string }
): Array<StoredRun> => {
  const { count, since, until, userId } = options
  const live = count === 0 ? 0 : Math.max(1, Math.round(count * liveShare))
  const settled = count - live
  const liveSpan = Math.min(liveWindowMs, (until - since) / 2)
  const liveStart = until - liveSpan
  const step = Math.max(1, Math.floor((liveStart - since) / Math.max(settled, 1)))
  const slot = liveSpan / Math.max(live, 1)
  const runs: Array<StoredRun> = []
  for (let i = 0; i < count; i++) {
    const task = tasks[random.int(tasks.length)]!
    const isLive = i >= settled
    // Distinct, increasing creation times, with some jitter inside each step.
    const createdAt = isLive
      ? Math.floor(liveStart + (i - settled) * slot) + random.int(Math.max(1, Math.floor(slot / 2)))
      : liveStart - (settled - i) * step + random.int(Math.max(1, Math.floor(step / 2)))
    const base = {
      id: Random.id(random, "run", createdAt),
      task,
      createdAt,
      paramValues: valuesOf(task, random),
      resources: { db: "res20220111zdbmain" },
      output: outputShapes[i % outputShapes.length]!(random, i),
      extras: extrasOf(random, createdAt, userId)
    }
    runs.push(
      isLive
        ? { ...base, ...liveTimes(random, createdAt, until, count - 1 - i, live) }
        : { ...base, ...settledTimes(random, createdAt) }
    )
  }
  // In order of creation already; sorted all the same, as the store's binary searches need it.
  return runs.sort((a, b) => a.createdAt - b.createdAt)
}

type Times = Pick<StoredRun, "queuedAt" | "activeAt" | "endsAt" | "outcome" | "cancelledAt">

// 72% succeed, 17% fail, 11% are cancelled while active.
const settledTimes = (random: Random.Random, createdAt: number): Times => {
  const queuedAt = createdAt + 200 + random.int(800)
  const activeAt = queuedAt + 500 + random.int(4_000)
  const endsAt = activeAt + 1_000 + random.int(10 * minute)
  const roll = random.next()
  if (roll < 0.72) return { queuedAt, activeAt, endsAt, outcome: "Succeeded" }
  if (roll < 0.89) return { queuedAt, activeAt, endsAt, outcome: "Failed" }
  // Only the cancel ends it: what it would have become is never reached.
  return {
    queuedAt,
    activeAt,
    endsAt: Number.POSITIVE_INFINITY,
    outcome: "Succeeded",
    cancelledAt: activeAt + 1_000 + random.int(endsAt - activeAt - 1_000)
  }
}

// A run going at `until`, `rank` 0 the newest of `live`: its next steps come after `until`.
const liveTimes = (random: Random.Random, createdAt: number, until: number, rank: number, live: number): Times => {
  const outcome = random.next() < 0.85 ? "Succeeded" : "Failed"
  const gap = until - createdAt
  const after = (from: number, spanMs: number) => from + 1 + random.int(spanMs)
  if (rank < Math.floor(live * 0.2)) {
    const queuedAt = after(until, minute)
    const activeAt = after(queuedAt, 30_000)
    return { queuedAt, activeAt, endsAt: after(activeAt, 10 * minute), outcome }
  }
  if (rank < Math.floor(live * 0.5)) {
    const queuedAt = Math.min(until, createdAt + 1 + Math.floor(gap * (0.1 + random.next() * 0.4)))
    const activeAt = after(until, 3 * minute)
    return { queuedAt, activeAt, endsAt: after(activeAt, 10 * minute), outcome }
  }
  const queuedAt = createdAt + 1 + Math.floor(gap * (0.02 + random.next() * 0.08))
  const activeAt = Math.min(until, queuedAt + 1 + Math.floor(gap * (0.1 + random.next() * 0.5)))
  return { queuedAt, activeAt, endsAt: after(until, 14 * minute), outcome }
}
