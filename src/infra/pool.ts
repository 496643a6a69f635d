import type pg from 'pg'

/** The slice of pg.Pool that Umbra uses. */
export type Pool = Pick<pg.Pool, 'query' | 'connect' | 'end'>

/** What a named query runs on: a pool, or a client inside a transaction. */
export type Queryable = Pick<Pool, 'query'>
