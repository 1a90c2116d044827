/**
 * The walk over every page of a list: `until` pinned to the walk's start, pages fetched ahead
 * in order, the walk ended by the first short page, runs the page before already gave dropped,
 * and an API that does not page stopped rather than followed for ever.
 */
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import * as ListRuns from "@airplane-runs/contract/ListRuns"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ListParams, RunsPage } from "../Runs.js"
import * as RunsError from "../RunsError.js"
import { targetOf } from "./call.js"
import { issuesOf, Prefetch } from "./settings.js"

const checkPrefetch = Schema.decodeUnknownEither(Prefetch)

/**
 * Every page from page 0 to the first short one, `prefetch` pages ahead of the reader.
 */
export const walk = <E>(
  params: ListParams,
  prefetch: number,
  fetchPage: (params: ListParams, page: number) => Effect.Effect<RunsPage, E>
): Stream.Stream<RunsPage, E | RunsError.InvalidRequest | RunsError.InvalidResponse> =>
  Stream.unwrap(Effect.gen(function*() {
    const checked = checkPrefetch(prefetch)
    if (Either.isLeft(checked)) {
      const issues = issuesOf(checked.left).map((issue) => `prefetch: ${issue}`)
      return yield* new RunsError.InvalidRequest({ operation: "list", issues })
    }
    const prefetchPages = checked.right
    // A `since` ahead of the clock (a server's timestamp, a skewed clock) is an empty walk,
    // not a `since` after an `until` the caller never gave. An invalid `since` is left to the
    // query's check, which names it.
    const since = params.since?.getTime() ?? Number.NaN
    const until = params.until ?? new Date(Math.max(yield* Clock.currentTimeMillis, Number.isNaN(since) ? 0 : since))
    const pinned: ListParams = { ...params, until }
    const limit = ListRuns.pageSize(params.limit)
    const isLast = (page: RunsPage) => page.runs.length < limit
    // Reading page k, pages k+1..k+prefetch are on their way, and no more: a page is asked for
    // only when the reader pulls the one `prefetch` before it, so breaking off costs at most
    // `prefetch` requests and memory holds at most `prefetch + 1` pages. Page 0 goes alone, and
    // the prefetch starts once it came back full: a list of one page costs one request.
    // (Stream.mapEffect with a concurrency keeps either one page fewer in flight while the
    // reader waits, or one more ahead while it reads: measured, the first halves prefetch 1.)
    const pages = Stream.unwrapScoped(Effect.map(Effect.scope, (scope) => {
      const ahead: Array<Fiber.Fiber<RunsPage, E>> = []
      let next = 0
      return Stream.repeatEffect(Effect.suspend(() => {
        const wanted = next === 0 ? 1 : prefetchPages + 1
        const start = Effect.forEach(
          Array.from({ length: Math.max(0, wanted - ahead.length) }, () => next++),
          (page) => Effect.map(Effect.forkIn(fetchPage(pinned, page), scope), (fiber) => ahead.push(fiber)),
          { discard: true }
        )
        return Effect.flatMap(start, () => Fiber.join(ahead.shift()!))
      }))
    }))
    return pages.pipe(Stream.takeUntil(isLast), dedupe(limit))
  }))

/**
 * With `until` pinned, pages do not shift down. Should they (an `until` in the future, runs
 * inserted between two requests), a run pushed over the boundary shows again at the top of the
 * next page: the ids of the page before catch that, in bounded memory, for shifts of up to a
 * page between two requests. A full page of nothing but the page before means the API does not
 * page (it ignores `page`): the walk stops, and says so.
 */
const dedupe = (limit: number) => <E>(pages: Stream.Stream<RunsPage, E>) =>
  Stream.mapAccumEffect(pages, new Set<string>(), (previous, page) => {
    const runs = page.runs.filter((run) => run.id == null || !previous.has(run.id))
    if (runs.length === 0 && page.runs.length >= limit && previous.size > 0) {
      return Effect.fail(
        new RunsError.InvalidResponse({
          ...targetOf(Endpoints.list),
          status: 200,
          reason: `page ${page.page} holds only the runs of page ${page.page - 1}: ` +
            "the API did not move to the next page, so the walk stops rather than loop for ever",
          schemaPath: ["runs"]
        })
      )
    }
    const ids = new Set(page.runs.flatMap((run) => (run.id == null ? [] : [run.id])))
    return Effect.succeed([ids, { page: page.page, runs }] as const)
  })
