-- Short domains besides PUBLIC_URL's host. A link belongs to one: '' is the default domain (PUBLIC_URL's
-- host, whatever it is set to), any other value a host listed here. Codes are unique per domain.
create table domains (
  host          text primary key check (host ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  root_redirect text,          -- where `/` on this host sends a visitor (ROOT_REDIRECT when null)
  not_found_url text,          -- where an unknown code on this host sends a visitor (the 404 page when null)
  created_at    timestamptz not null default now()
);

alter table links add column domain text not null default '';
create unique index links_domain_code_key on links (domain, code);
drop index links_code_key;

-- The link cache is keyed by code on the default domain and by host/code on the others; every changed
-- link is announced under that key, so an instance drops exactly that domain's entry.
create or replace function notify_link_changed() returns trigger
language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    perform pg_notify('umbra_link_changed', case when old.domain = '' then old.code else old.domain || '/' || old.code end);
  end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.code is distinct from old.code or new.domain is distinct from old.domain) then
    perform pg_notify('umbra_link_changed', case when new.domain = '' then new.code else new.domain || '/' || new.code end);
  end if;
  return null;
end $$;

-- Every instance keeps the served hosts in memory; a change reloads them everywhere.
create function notify_domain_changed() returns trigger
language plpgsql as $$
begin
  perform pg_notify('umbra_domain_changed', coalesce(new.host, old.host));
  return null;
end $$;

create trigger domains_notify_changed
after insert or update or delete on domains
for each row execute function notify_domain_changed();
