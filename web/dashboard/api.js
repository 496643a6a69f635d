/**
 * The dashboard's only way to the server: the public /api/v1 endpoints (authenticated by the session
 * cookie) and /dashboard/session to sign in and out. Errors arrive as problem+json and become ApiError.
 */

/** A failed call, carrying the problem the server sent so pages can show its detail. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the server could not be reached
   * @param {string} title
   * @param {string} detail
   * @param {{ field: string, message: string }[]} [errors]
   */
  constructor(status, title, detail, errors = []) {
    super(detail)
    this.status = status
    this.title = title
    this.detail = detail
    this.errors = errors
  }
}

/** @type {(error: ApiError) => void} */
let onSessionLost = () => {}

/** Called when the API answers 401: the session expired, was signed out elsewhere, or its key was revoked. */
export function whenSessionLost(/** @type {(error: ApiError) => void} */ handler) {
  onSessionLost = handler
}

/**
 * An absolute URL on this origin with the given query; empty values are left out.
 * @param {string} path
 * @param {Record<string, string | number | null | undefined>} [query]
 */
export function apiUrl(path, query = {}) {
  const url = new URL(path, location.origin)
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value))
  return url.pathname + url.search
}

/**
 * @param {string} path
 * @param {{ method?: string, query?: Record<string, string | number | null | undefined>, body?: unknown, signal?: AbortSignal, quietOn401?: boolean }} [opts]
 * @returns {Promise<any>}
 */
export async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' }
  // A JSON body is also what makes a write unforgeable cross-site: forms cannot send it without a CORS preflight.
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  let res
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (err) {
    if (opts.signal?.aborted) throw err
    throw new ApiError(0, 'Network error', 'The server did not answer. Check your connection and try again.')
  }
  if (res.status === 204) return null
  const data = await res.json().catch(() => null)
  if (res.ok) return data
  const error = new ApiError(
    res.status,
    data?.title ?? res.statusText,
    data?.detail ?? `The server answered ${res.status}.`,
    data?.errors,
  )
  if (res.status === 401 && !opts.quietOn401) onSessionLost(error)
  throw error
}
