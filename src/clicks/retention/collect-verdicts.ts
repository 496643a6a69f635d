import type pg from 'pg'

const DAY_MS = 86_400_000

/**
 * A writer lists a verdict in its batches again each UTC day it uses it (verdicts/verdict-ledger.ts), which
 * moves listed_on forward. A verdict not listed for this many days is in no running writer's hands, and a
 * journal segment replayed after a stop this long or shorter still finds the verdicts it does not list.
 */
export const VERDICT_GRACE_DAYS = 7

// The verdicts no click or conversion uses (one pass over clicks.verdict_id, reduced to the distinct ids; a
// conversion keeps its click's verdict, for its labels, after the raw click is dropped), not listed for
// the grace period. listed_on is checked again on the row deleted: a writer that listed the verdict meanwhile
// (it locks and moves listed_on first, write-click-batch.ts) keeps it.
const COLLECT = `
with unused as (
  select id from click_verdicts where listed_on < $1::date
  except
  select distinct verdict_id from clicks
  except
  select distinct verdict_id from conversions
)
delete from click_verdicts v using unused u
where v.id = u.id and v.listed_on < $1::date`

/** Deletes the verdicts no stored click points to; returns how many. */
export async function collectVerdicts(client: pg.ClientBase, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - VERDICT_GRACE_DAYS * DAY_MS).toISOString().slice(0, 10)
  const { rowCount } = await client.query(COLLECT, [before])
  return rowCount ?? 0
}
