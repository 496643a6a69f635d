import type { ClickBatchObserver } from '../clicks/click-kind/click-batch-observer.ts'
import { CLICK_JSON_SQL, LIST_SQL } from './click-delivery.ts'

// Before raw clicks older than $1 go, the click events reaching into them keep their clicks as delivered
// (delivered or not: a replay sends them again).
const KEEP_CLICKS = `
update webhook_events e set clicks = (
  select ${LIST_SQL}
  from clicks c
  join click_verdicts v on v.id = c.verdict_id
  left join links l on l.id = c.link_id
  cross join ${CLICK_JSON_SQL}
  where c.id between e.click_first_id and e.click_last_id and c.clicked_at between e.click_first_at and e.click_last_at
    and v.kind = 'human'
)::json
where e.type = 'click' and e.clicks is null and e.click_first_at < $1::timestamptz`

/**
 * `click` events in the click batch's transaction: one event per run of at most `perEvent` person clicks
 * (one delivery each), as the run's first and last id and time; its clicks and their labels are read when
 * the event is delivered (click-delivery.ts), or kept in the event before retention drops their rows. Only
 * while some active webhook subscribes to clicks (migration 042's webhook_record_click_runs).
 */
export function clickEventsObserver(perEvent: number): ClickBatchObserver {
  return {
    runLength: Math.max(1, Math.floor(perEvent)),
    recordRunsSql: 'select webhook_record_click_runs($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])',
    keepSql: KEEP_CLICKS,
  }
}
