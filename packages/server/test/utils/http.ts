/**
 * Real HTTP to an embedded server with the global `fetch`: small helpers so the tests read
 * as requests and answers.
 */

/** An answer, its body read as text. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

/** What the helpers need of a server. */
export interface Target {
  readonly url: string
  readonly apiUrl: string
  readonly apiKey: string
}

export interface RequestOptions {
  /** The API key to send; `null` sends none. Default the server's key. */
  readonly key?: string | null
  readonly headers?: Record<string, string>
}

/** Sends a request and reads the whole body. */
export const send = async (url: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(url, init)
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/** The body of an answer as JSON. */
export const json = (answer: Answer): any => JSON.parse(answer.text)

const headersOf = (server: Target, options: RequestOptions): Record<string, string> => {
  const key = options.key === undefined ? server.apiKey : options.key
  return { ...(key === null ? {} : { "x-airplane-api-key": key }), ...options.headers }
}

/** `GET <apiUrl><path>`, with the API key. */
export const get = (server: Target, path: string, options: RequestOptions = {}): Promise<Answer> =>
  send(server.apiUrl + path, { headers: headersOf(server, options) })

/** `POST <apiUrl><path>` with a JSON body (a string is sent as is), with the API key. */
export const post = (server: Target, path: string, body: unknown, options: RequestOptions = {}): Promise<Answer> =>
  send(server.apiUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headersOf(server, options) },
    body: typeof body === "string" ? body : JSON.stringify(body)
  })

/** A request to an admin route (no API key). */
export const admin = (server: Target, path: string, init: { readonly method?: string; readonly body?: unknown } = {}) =>
  send(server.url + path, {
    method: init.method ?? "GET",
    ...(init.body === undefined ? {} : {
      headers: { "content-type": "application/json" },
      body: typeof init.body === "string" ? init.body : JSON.stringify(init.body)
    })
  })

/** Whether a request to the URL is refused at the connection (no server listening). */
export const refused = (url: string): Promise<boolean> =>
  fetch(url).then(
    async (response) => {
      await response.body?.cancel()
      return false
    },
    () => true
  )
