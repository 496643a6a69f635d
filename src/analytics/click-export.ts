import { connect } from 'node:net'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type pg from 'pg'
import type { ReadPool } from '../infra/read-database.ts'
import { csvLine } from './csv.ts'

/** `domain`: the clicks of that stored short domain's links only. */
export type ClickExportFilter = { from: Date; to: Date; linkId?: string; topic?: string; domain?: string }

// Labels only: no visitor hash (its salt must never leave), no IP (never stored), no raw user agent or referrer.
export const CLICK_EXPORT_COLUMNS = [
  'clicked_at',
  'code',
  'channel',
  'topics',
  'campaign',
  'content_id',
  'kind',
  'medium',
  'app',
  'visibility',
  'browser',
  'os',
  'device',
  'country',
  'region',
  'city',
  'language',
] as const

/**
 * Every click of the filter as one CSV line, written by Postgres (csv_cell, migration 045, is csv.ts's csvCell
 * in SQL): the server only joins lines, so a million rows cost it little more than their bytes. A link's cells
 * and a verdict's cells are written once each (materialized), not once per click: per click there remain the
 * time (cut to milliseconds, as a JS Date's toISOString() writes it), country, region, city and language. A content id is
 * digits, which csvCell leaves as they are. One query, one sort, read by a cursor.
 */
const EXPORT_QUERY = `
  declare click_export no scroll cursor for
  with link_cells as materialized (
    select id, csv_cell(code) || ',' || csv_cell(channel) || ',' || csv_cell(array_to_string(topics, '|', '')) || ','
               || csv_cell(campaign) || ',' || coalesce(content_id::text, '') as cells
    from links
    where ($3::bigint is null or id = $3) and ($4::text is null or $4 = any(topics)) and ($5::text is null or domain = $5)
  ), verdict_cells as materialized (
    select id, csv_cell(kind) || ',' || csv_cell(medium) || ',' || csv_cell(app) || ',' || csv_cell(visibility) || ','
               || csv_cell(browser) || ',' || csv_cell(os) || ',' || csv_cell(device) as cells
    from click_verdicts
  )
  select to_char(c.clicked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ',' || l.cells || ',' || v.cells
         || ',' || csv_cell(c.country) || ',' || csv_cell(c.region) || ',' || csv_cell(c.city) || ',' || csv_cell(c.language) || E'\\r\\n'
  from clicks c
  join link_cells l on l.id = c.link_id
  join verdict_cells v on v.id = c.verdict_id
  where c.clicked_at >= $1 and c.clicked_at < $2
    and ($3::bigint is null or c.link_id = $3)
  order by c.clicked_at, c.link_id, c.id`

export type ClickExportOptions = {
  /** Rows a FETCH asks for: each is one round trip and one string handed on. */
  fetchRows?: number
  /** Postgres ends the export's transaction after this long idle: a backstop should the server lose track of it. */
  idleInTransactionMs?: number
}

export type ClickExport = {
  /** The CSV text: a header, then one string per FETCH. */
  lines: AsyncGenerator<string>
  /** Stops a FETCH Postgres is still working on (the first one waits for the whole sort): for a reader gone away. */
  cancel: () => void
  /** Frees the connection if `lines` was never started (a generator not started runs no finally). */
  dispose: () => void
}

/**
 * Opens a click export on a connection of its own: one read-only snapshot, one cursor, FETCHes of `fetchRows`
 * lines. Resolves once the query is planned (so a failure is still an HTTP error, not a cut stream). The
 * generator pulls a FETCH only when its reader asks for more, so memory stays at one slice whatever the range;
 * it gives way to the event loop between FETCHes; and however it ends (done, failed, cancelled, or return()ed by
 * a reader that went away) it frees its connection.
 */
export async function openClickExport(
  db: ReadPool,
  f: ClickExportFilter,
  { fetchRows = 5_000, idleInTransactionMs = 120_000 }: ClickExportOptions = {},
): Promise<ClickExport> {
  const client = await db.connect()
  try {
    await client.query('begin isolation level repeatable read read only')
    await client.query(`set local idle_in_transaction_session_timeout = ${Math.round(idleInTransactionMs)}`)
    await client.query(EXPORT_QUERY, [f.from, f.to, f.linkId ?? null, f.topic ?? null, f.domain ?? null])
  } catch (err) {
    client.release(err as Error)
    throw err
  }
  let started = false
  const fetching = { now: false }
  async function* exportLines(): AsyncGenerator<string> {
    if (started) return
    started = true
    yield* fetchLines(client, fetchRows, fetching)
  }
  return {
    lines: exportLines(),
    cancel: () => {
      if (fetching.now) sendCancelRequest(client)
    },
    dispose: () => {
      if (started) return
      started = true
      client.query('rollback').then(
        () => client.release(),
        (err: Error) => client.release(err),
      )
    },
  }
}

async function* fetchLines(
  client: pg.PoolClient,
  fetchRows: number,
  fetching: { now: boolean },
): AsyncGenerator<string> {
  let failure: Error | undefined
  try {
    yield csvLine(CLICK_EXPORT_COLUMNS)
    for (;;) {
      fetching.now = true
      const { rows } = await client
        .query<string[]>({ text: `fetch forward ${fetchRows} from click_export`, rowMode: 'array' })
        .finally(() => (fetching.now = false))
      if (rows.length) yield rows.map((r) => r[0]).join('')
      if (rows.length < fetchRows) break
      // A slice is a few milliseconds of work: redirects waiting on the loop go first.
      await nextTurn()
    }
  } catch (err) {
    failure = err as Error
    throw err
  } finally {
    // Done or cut short: the transaction (and its cursor and snapshot) ends; a broken or cancelled connection is dropped.
    if (!failure) await client.query('rollback').catch((err: Error) => (failure = err))
    client.release(failure)
  }
}

/**
 * Postgres's cancel request for whatever the client's backend is running: a connection of its own carrying
 * the backend's pid and secret key (pg's Client.cancel reads a deprecated field). Not over TLS: where the
 * server insists on it, the export instead ends when its FETCH does.
 */
function sendCancelRequest(client: pg.PoolClient) {
  const c = client as pg.PoolClient & { processID: number | null; secretKey: number | null; host: string; port: number }
  if (c.processID === null || c.secretKey === null) return
  const packet = Buffer.alloc(16)
  packet.writeInt32BE(16, 0)
  packet.writeInt32BE(80877102, 4)
  packet.writeInt32BE(c.processID, 8)
  packet.writeInt32BE(c.secretKey, 12)
  const socket = c.host.startsWith('/') ? connect(`${c.host}/.s.PGSQL.${c.port}`) : connect(c.port, c.host)
  socket.on('error', () => {})
  socket.end(packet)
}
