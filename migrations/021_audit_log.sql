-- Who changed what, when: one row per change, written in the change's own transaction (src/audit/). The log is
-- append-only: no route deletes from it, and Postgres refuses updates, deletes and truncation.
create table audit_log (
  id          bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  actor_kind  text not null check (actor_kind in ('person', 'key', 'admin', 'cli', 'sso')),
  actor_id    text,
  actor_name  text not null,
  entity      text not null,
  entity_id   text not null,
  action      text not null,
  before      jsonb,
  after       jsonb
);
create index audit_log_entity_idx on audit_log (entity, entity_id, id);
create index audit_log_actor_idx on audit_log (actor_kind, actor_id, id);
create index audit_log_at_idx on audit_log (at);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
