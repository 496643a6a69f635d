-- A dashboard session of ADMIN_API_KEY kept the key's bare sha-256, which a dump could test guesses against.
-- It keeps an HMAC under the server secret (never in Postgres) instead; a minted key's session keeps the
-- sha-256 of its 256 random bits, as api_keys does. Sessions of ADMIN_API_KEY are signed out: sign in again.
delete from dashboard_sessions where key_id = 'admin';
alter table dashboard_sessions rename column key_hash to key_ref;
comment on column dashboard_sessions.key_ref is
  'the key the session was made from: sha-256 of a minted key''s secret, or HMAC-SHA256 under the server secret for ADMIN_API_KEY';
