import type { ClickBatchObserver } from '../clicks/click-kind/click-batch-observer.ts'
import { NEW_CLICKS_TABLE } from '../clicks/click-kind/click-batch-observer.ts'

/**
 * `click` events in the click batch's transaction: a batch's human clicks, in events of at most
 * `perEvent` clicks (one delivery each), each click with its id and labels. Only while some active
 * webhook subscribes to clicks; otherwise batches are written as before.
 */
export function clickEventsObserver(perEvent: number): ClickBatchObserver {
  const n = Math.max(1, Math.floor(perEvent))
  return {
    wantsSql: `select exists (select 1 from webhooks where active and 'click' = any (events)) as wants`,
    recordSql: `
select webhook_emit('click', jsonb_build_object('clicks', clicks))
from (
  select jsonb_agg(jsonb_build_object(
    'id', h.id::text, 'code', l.code, 'contentId', l.content_id::text, 'topics', to_jsonb(l.topics),
    'campaign', l.campaign, 'channel', l.channel, 'medium', h.medium, 'app', h.app, 'visibility', h.visibility,
    'country', h.country, 'at', h.clicked_at) order by h.id) as clicks
  from (
    select c.*, v.medium, v.app, v.visibility, (row_number() over (order by c.id) - 1) / ${n} as part
    from ${NEW_CLICKS_TABLE} c join click_verdicts v on v.id = c.verdict_id
    where v.kind = 'human'
  ) h
  join links l on l.id = h.link_id
  group by h.part
) parts`,
  }
}
