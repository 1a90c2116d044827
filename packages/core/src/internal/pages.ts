/**
 * The walk over every page of a list: `until` pinned to the walk's start, pages fetched ahead
 * in order, the walk ended by the first short page, runs the page before already gave dropped,
 * and an API that does not page stopped rather than followed for ever.
 */
import { Endpoints, ListRuns } from "@airplane-runs/contract"
import { Clock, Effect, Either, Schema, Stream } from "effect"
import type { ListParams, RunsPage } from "../Runs.js"
import * as RunsError from "../RunsError.js"
import { issuesOf, Prefetch } from "./settings.js"

const checkPrefetch = Schema.decodeUnknownEither(Prefetch)

/**
 * Every page from page 0 to the first short one. The first page is asked for alone: a list of
 * one page costs one request. Once it came back full, reading page k, pages k+1..k+prefetch are
 * on their way, and no more: breaking off costs at most `prefetch` requests, and memory holds
 * at most `prefetch + 1` pages.
 */
export const walk = <E>(
  params: ListParams,
  prefetch: number,
  fetchPage: (params: ListParams, page: number) => Effect.Effect<RunsPage, E>
): Stream.Stream<RunsPage, E | RunsError.InvalidRequest | RunsError.InvalidResponse> =>
  Stream.unwrap(Effect.gen(function*() {
    const ahead = checkPrefetch(prefetch)
    if (Either.isLeft(ahead)) {
      const issues = issuesOf(ahead.left).map((issue) => `prefetch: ${issue}`)
      return yield* new RunsError.InvalidRequest({ operation: "list", issues })
    }
    // A `since` ahead of the clock (a server's timestamp, a skewed clock) is an empty walk,
    // not a `since` after an `until` the caller never gave.
    // An invalid `since` is left to the query's check, which names it.
    const since = params.since?.getTime() ?? Number.NaN
    const until = params.until ?? new Date(Math.max(yield* Clock.currentTimeMillis, Number.isNaN(since) ? 0 : since))
    const pinned: ListParams = { ...params, until }
    const limit = ListRuns.pageSize(params.limit)
    const isLast = (page: RunsPage) => page.runs.length < limit
    const first = fetchPage(pinned, 0)
    // With a concurrency of n, the pages after the one being read queue up to n: exactly the
    // prefetch. None ahead is the sequential form, which asks for a page only when pulled.
    const pages = Stream.iterate(1, (page) => page + 1)
    const rest = ahead.right === 0
      ? Stream.mapEffect(pages, (page) => fetchPage(pinned, page))
      : Stream.mapEffect(pages, (page) => fetchPage(pinned, page), { concurrency: ahead.right })
    return Stream.fromEffect(first).pipe(
      Stream.flatMap((page) => isLast(page) ? Stream.make(page) : Stream.concat(Stream.make(page), rest)),
      Stream.takeUntil(isLast),
      dedupe(limit)
    )
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
          method: Endpoints.list.method,
          path: `${Endpoints.basePath}${Endpoints.list.path}`,
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
