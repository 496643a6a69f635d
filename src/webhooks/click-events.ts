import type { ClickBatchObserver } from '../clicks/click-kind/click-batch-observer.ts'
import { NEW_CLICKS_TABLE } from '../clicks/click-kind/click-batch-observer.ts'

/**
 * `click` events in the click batch's transaction: a batch's human clicks, in events of at most
 * `perEvent` clicks (one delivery each), as arrays of ids, links, verdicts, times and countries; the
 * labels are added at delivery (click-delivery.ts). Only while some active webhook subscribes to clicks;
 * otherwise batches are written as before. Events group clicks by id / perEvent (ids are consecutive
 * within a process), so no sort is needed.
 */
export function clickEventsObserver(perEvent: number): ClickBatchObserver {
  const n = Math.max(1, Math.floor(perEvent))
  return {
    wantsSql: `select exists (select 1 from webhooks where active and 'click' = any (events)) as wants`,
    recordSql: `
with parts as (
  select array_agg(c.id) as ids, array_agg(c.link_id) as links, array_agg(c.verdict_id) as verdicts,
         array_agg((extract(epoch from c.clicked_at) * 1000)::bigint) as times, array_agg(c.country) as countries
  from ${NEW_CLICKS_TABLE} c join click_verdicts v on v.id = c.verdict_id
  where v.kind = 'human'
  group by c.id / ${n}
), subscribers as (
  select id from webhooks where active and 'click' = any (events)
), events as (
  insert into webhook_events (type, data, click_ids, click_link_ids, click_verdict_ids, click_times_ms, click_countries)
  select 'click', '{}', ids, links, verdicts, times, countries from parts
  where exists (select 1 from subscribers)
  returning id
)
insert into webhook_deliveries (webhook_id, event_id)
select s.id, e.id from subscribers s, events e`,
  }
}
