-- Dashboard sign-in sessions. The cookie carries a random 256-bit id; only its sha-256 is stored, so a
-- copy of this table cannot be replayed as cookies. A session is never stronger than the API key it was
-- made from: the key is checked again on every request, so revoking or expiring the key ends its sessions.
create table dashboard_sessions (
  id_hash    bytea primary key,             -- sha-256 of the session id in the cookie
  key_id     text not null,                 -- the API key the session was made from ('admin' for ADMIN_API_KEY)
  key_hash   bytea not null,                -- sha-256 of that key's secret: a rotated ADMIN_API_KEY ends its sessions too
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index dashboard_sessions_key_id_idx on dashboard_sessions (key_id);
create index dashboard_sessions_expires_at_idx on dashboard_sessions (expires_at);
