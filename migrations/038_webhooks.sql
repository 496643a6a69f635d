-- Webhooks: subscriptions, the outbox of events (written in the transaction of what they report) and
-- one delivery row per (subscription, event), claimed with FOR UPDATE SKIP LOCKED by any instance.
create table webhooks (
  id              bigint generated always as identity primary key,
  url             text not null check (length(url) <= 2048),
  events          text[] not null,
  active          boolean not null default true,
  -- AES-256-GCM of the signing secret under a key derived from the server secret (never in Postgres):
  -- a dump alone does not let anyone sign as Umbra.
  secret_sealed   bytea not null,
  description     text,
  failing_since   timestamptz,
  disabled_reason text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);

create table webhook_events (
  id          bigint generated always as identity primary key,
  type        text not null,
  occurred_at timestamptz not null default now(),
  data        jsonb not null,
  -- A `click` event keeps its clicks as parallel arrays (cheap to write in the click batch's transaction,
  -- ~1 µs of Postgres a click); their labels are looked up when the event is delivered.
  click_ids         bigint[],
  click_link_ids    bigint[],
  click_verdict_ids bigint[],
  click_times_ms    bigint[],
  click_countries   text[]
);

create index webhook_events_occurred_at_idx on webhook_events (occurred_at);

-- state: pending (due at next_attempt_at; a claim pushes it past the attempt's timeout, so a process
-- killed mid-delivery leaves it to be retried) | delivered.
create table webhook_deliveries (
  id              bigint generated always as identity primary key,
  webhook_id      bigint not null references webhooks (id) on delete cascade,
  event_id        bigint not null references webhook_events (id) on delete cascade,
  state           text not null default 'pending' check (state in ('pending', 'delivered')),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  delivered_at    timestamptz,
  unique (webhook_id, event_id)
);

create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where state = 'pending';

-- The delivery log: every attempt with its answer (status, latency, the start of the response body).
create table webhook_attempts (
  id            bigint generated always as identity primary key,
  webhook_id    bigint not null references webhooks (id) on delete cascade,
  event_id      bigint not null,
  attempted_at  timestamptz not null default now(),
  status        int,
  latency_ms    int not null,
  response      text,
  error         text
);

create index webhook_attempts_webhook_idx on webhook_attempts (webhook_id, id desc);

-- Records an event for every active subscription to its type; nothing when none wants it.
create function webhook_emit(p_type text, p_data jsonb) returns void
language sql as $$
  with subscribers as (
    select id from webhooks where active and p_type = any (events)
  ), event as (
    insert into webhook_events (type, data)
    select p_type, p_data where exists (select 1 from subscribers)
    returning id
  )
  insert into webhook_deliveries (webhook_id, event_id)
  select s.id, e.id from subscribers s, event e
$$;

create function webhook_link_json(l links) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'code', l.code, 'url', l.url, 'title', l.title, 'channel', l.channel, 'topics', to_jsonb(l.topics),
    'campaign', l.campaign, 'contentId', l.content_id::text, 'expiresAt', l.expires_at,
    'disabled', l.disabled_at is not null, 'createdAt', l.created_at, 'updatedAt', l.updated_at)
$$;

-- Link changes, in the transaction that makes them, whichever code path (API, kits, imports) makes them.
create function webhook_link_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform webhook_emit('link.created', webhook_link_json(new));
  elsif new.disabled_at is not null and old.disabled_at is null then
    perform webhook_emit('link.disabled', webhook_link_json(new));
  elsif row(new.*) is distinct from row(old.*) then
    perform webhook_emit('link.updated', webhook_link_json(new));
  end if;
  return null;
end $$;

create trigger links_webhook_changed
after insert or update on links
for each row execute function webhook_link_changed();

-- A new share kit, once its transaction has minted its links (deferred to commit).
create function webhook_share_created() returns trigger
language plpgsql as $$
begin
  perform webhook_emit('share.created', jsonb_build_object(
    'id', c.id::text, 'url', c.url, 'title', c.title, 'topics', to_jsonb(c.topics), 'campaign', c.campaign,
    'createdAt', c.created_at,
    'links', coalesce((select jsonb_agg(webhook_link_json(l) order by l.id) from links l where l.content_id = c.id), '[]')))
  from contents c where c.id = new.id;
  return null;
end $$;

create constraint trigger contents_webhook_created
after insert on contents deferrable initially deferred
for each row execute function webhook_share_created();
