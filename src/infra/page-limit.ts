import { z } from 'zod'

/** The most items one list page holds, for every list of the API (the README's "1–200"). */
export const PAGE_LIMIT_MAX = 200

/** The `limit` query parameter of a list: 1 to PAGE_LIMIT_MAX items a page. */
export const pageLimit = (byDefault: number) => z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(byDefault)
