/**
 * The API's header names, from the contract, as Node and the platform key them: in lower case.
 * A request's headers are read, and an answer's written, under these names only.
 */
import { Endpoints } from "@airplane-runs/contract"

export const apiKey = Endpoints.apiKeyHeader.toLowerCase()

export const idempotencyKey = Endpoints.idempotencyKeyHeader.toLowerCase()

export const retryable = Endpoints.retryableHeader.toLowerCase()
