-- A `click` event names a run of its batch's clicks (first and last id and time) instead of listing them:
-- one outbox row per run of up to WEBHOOK_CLICK_BATCH person clicks, whatever the run's size. Its clicks
-- are read from the clicks table when it is delivered (ids never change); `clicks` keeps them as delivered
-- once their raw rows are about to be dropped (retention), so an undelivered event never loses them.
alter table webhook_events
  add column click_first_id bigint,
  add column click_last_id  bigint,
  add column click_first_at timestamptz,
  add column click_last_at  timestamptz,
  add column clicks         json;

-- Records a click batch's runs (parallel arrays, one element a run) for every active subscription to
-- clicks; nothing when none wants them.
create function webhook_record_click_runs(
  p_first_ids bigint[], p_last_ids bigint[], p_first_at timestamptz[], p_last_at timestamptz[]
) returns void
language sql as $$
  with subscribers as (
    select id from webhooks where active and 'click' = any (events)
  ), events as (
    insert into webhook_events (type, data, click_first_id, click_last_id, click_first_at, click_last_at)
    select 'click', '{}', r.first_id, r.last_id, r.first_at, r.last_at
    from unnest(p_first_ids, p_last_ids, p_first_at, p_last_at) as r(first_id, last_id, first_at, last_at)
    where exists (select 1 from subscribers)
    order by r.first_id
    returning id
  )
  insert into webhook_deliveries (webhook_id, event_id)
  select s.id, e.id from subscribers s, events e
$$;

-- Events recorded before this migration listed their clicks as arrays: they keep them, as delivered
-- (webhooks/click-delivery.ts writes a click the same way; row_to_json writes it compactly).
update webhook_events e set clicks = (
  select ('[' || coalesce(string_agg(row_to_json(r)::text, ',' order by k.i), '') || ']')::json
  from unnest(e.click_ids, e.click_link_ids, e.click_verdict_ids, e.click_times_ms, e.click_countries)
    with ordinality as k(id, link_id, verdict_id, ms, country, i)
  left join links l on l.id = k.link_id
  left join click_verdicts v on v.id = k.verdict_id
  cross join lateral (
    select k.id::text as id, l.code, l.content_id::text as "contentId", coalesce(l.topics, '{}') as topics,
      l.campaign, l.channel, v.medium, v.app, v.visibility, k.country,
      to_char((timestamptz 'epoch' + k.ms * interval '1 millisecond') at time zone 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
  ) r
)
where e.type = 'click' and e.click_ids is not null;

alter table webhook_events
  drop column click_ids,
  drop column click_link_ids,
  drop column click_verdict_ids,
  drop column click_times_ms,
  drop column click_countries;
