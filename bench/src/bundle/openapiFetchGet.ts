// The peer's bundle: openapi-fetch with the types generated from the OpenAPI document, one `get`.
import createClient from "openapi-fetch"
import type { paths } from "../generated/airplane-openapi.js"

const client = createClient<paths>({
  baseUrl: `${process.env.AIRPLANE_API_HOST}/v0`,
  headers: { "x-airplane-api-key": process.env.AIRPLANE_API_KEY }
})
const { data } = await client.GET("/runs/get", { params: { query: { id: process.env.RUN_ID ?? "" } } })
console.log(data?.id)
