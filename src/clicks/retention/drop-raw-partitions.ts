import type pg from 'pg'

/** The raw event tables, range-partitioned by month (migrations 013 and 018), with their time column. */
export const RAW_TABLES = [
  { table: 'clicks', time: 'clicked_at' },
  { table: 'funnel_events', time: 'at' },
] as const

export type RawTable = (typeof RAW_TABLES)[number]['table']

/** A monthly partition as ensure_click_partitions names it: `clicks_2025_01` holds January 2025 (UTC). */
export type MonthlyPartition = { name: string; table: RawTable; end: Date }

/** The monthly partitions among `names` whose whole month ended at or before `cutoff`. */
export function partitionsPast(names: readonly { name: string; table: RawTable }[], cutoff: Date): MonthlyPartition[] {
  return names.flatMap(({ name, table }) => {
    const m = new RegExp(`^${table}_(\\d{4})_(\\d{2})$`).exec(name)
    if (!m) return []
    const end = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1))
    return end.getTime() <= cutoff.getTime() ? [{ name, table, end }] : []
  })
}

const LIST_PARTITIONS = `
select c.relname as name, p.relname as table, greatest(c.reltuples, 0)::bigint::text as rows
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
join pg_class p on p.oid = i.inhparent
where i.inhparent = any(array[${RAW_TABLES.map((t) => `to_regclass('${t.table}')`).join(', ')}])`

// Dropping a partition takes an exclusive lock on its parent for a moment. The writer's batches (behind the
// journal: redirects never wait for them) hold the parent while they commit; rather than queue every batch
// behind a drop that waits for one, the drop gives up after this and is tried again on the next run.
const DROP_LOCK_TIMEOUT = '2s'
const LOCK_NOT_AVAILABLE = '55P03'

export type DroppedRaw = {
  partitions: { name: string; table: RawTable; approximateRows: number }[]
  /** Rows past the cutoff deleted from the default partitions (months that had no partition of their own). */
  defaultRows: Record<RawTable, number>
  /** Partitions past the cutoff left for the next run because their table was busy. */
  postponed: string[]
}

/**
 * Drops the monthly partitions of raw clicks and funnel events whose month ended before `cutoff`, and
 * deletes the rows before `cutoff` from the default partitions. Rollups are separate tables: untouched.
 * `keepClicksSql` (a batch observer's, given the time before which clicks go) runs in the transaction
 * that removes clicks, so what still needs them keeps them first.
 */
export async function dropRawPartitions(
  client: pg.ClientBase,
  cutoff: Date,
  keepClicksSql: string | null = null,
): Promise<DroppedRaw> {
  const removing = async (table: RawTable, before: Date, remove: () => Promise<void>) => {
    if (table !== 'clicks' || keepClicksSql === null) return remove()
    await client.query('begin')
    try {
      await client.query(keepClicksSql, [before])
      await remove()
      await client.query('commit')
    } catch (err) {
      await client.query('rollback')
      throw err
    }
  }
  const result: DroppedRaw = { partitions: [], defaultRows: { clicks: 0, funnel_events: 0 }, postponed: [] }
  const { rows } = await client.query<{ name: string; table: RawTable; rows: string }>(LIST_PARTITIONS)
  const estimates = new Map(rows.map((r) => [r.name, Number(r.rows)]))
  await client.query(`set lock_timeout = '${DROP_LOCK_TIMEOUT}'`)
  try {
    for (const p of partitionsPast(rows, cutoff)) {
      try {
        await removing(p.table, p.end, async () => {
          await client.query(`drop table if exists ${client.escapeIdentifier(p.name)}`)
        })
        result.partitions.push({ name: p.name, table: p.table, approximateRows: estimates.get(p.name) ?? 0 })
      } catch (err) {
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err
        result.postponed.push(p.name)
      }
    }
    for (const { table, time } of RAW_TABLES) {
      await removing(table, cutoff, async () => {
        const deleted = await client.query(`delete from ${table}_default where ${time} < $1`, [cutoff])
        result.defaultRows[table] = deleted.rowCount ?? 0
      })
    }
  } finally {
    await client.query('reset lock_timeout')
  }
  return result
}
