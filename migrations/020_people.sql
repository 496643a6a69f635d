-- People: accounts that sign in to the dashboard with an email and password (or single sign-on), each with
-- one role that stands for a set of API scopes (src/people/roles.ts). Passwords are kept as scrypt hashes.
create table people (
  id            bigint generated always as identity primary key,
  email         text not null check (length(email) between 3 and 254),
  name          text check (length(name) <= 100),
  role          text not null check (role in ('owner', 'admin', 'editor', 'viewer')),
  -- scrypt$N$r$p$salt$hash (base64url); null until a password is set (an invited SSO member, a CLI-created owner)
  password_hash text,
  -- The identity provider's issuer and subject of a member who signed in with single sign-on.
  oidc_subject  text,
  suspended_at  timestamptz,
  created_at    timestamptz not null default now(),
  created_by    bigint references people (id) on delete set null
);
create unique index people_email_key on people (lower(email));
create unique index people_oidc_subject_key on people (oidc_subject);

-- Single-use links: invitations (email + role, a person is made on acceptance) and password links (set or
-- reset the password of an existing person). Only the sha-256 of the token is kept.
create table people_tokens (
  id          bigint generated always as identity primary key,
  token_hash  bytea not null unique check (length(token_hash) = 32),
  purpose     text not null check (purpose in ('invitation', 'password')),
  email       text not null,
  role        text check (role in ('owner', 'admin', 'editor', 'viewer')),
  person_id   bigint references people (id) on delete cascade,
  created_by  bigint references people (id) on delete set null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz,
  check ((purpose = 'invitation') = (role is not null) and (purpose = 'password') = (person_id is not null))
);

-- A dashboard session stands for an API key (as before) or for a person; removing the person ends it.
alter table dashboard_sessions alter column key_id drop not null;
alter table dashboard_sessions alter column key_ref drop not null;
alter table dashboard_sessions add column person_id bigint references people (id) on delete cascade;
alter table dashboard_sessions add constraint dashboard_sessions_one_subject
  check ((person_id is null) <> (key_id is null));
create index dashboard_sessions_person_id_idx on dashboard_sessions (person_id);

-- Which person created a key (null: the CLI, ADMIN_API_KEY or another key).
alter table api_keys add column created_by bigint references people (id) on delete set null;
