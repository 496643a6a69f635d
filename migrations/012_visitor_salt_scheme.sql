-- Visitors are hashed with SipHash-2-4 from now on (src/clicks/visitor-hash.ts). A day salted before this
-- migration keeps the SHA-256 formula it started with, so a visitor who clicks before and after an upgrade
-- is still one visitor that day; salts are deleted after two days, so the old scheme dies out by itself.
alter table visitor_salts add column scheme text not null default 'siphash-2-4' check (scheme in ('siphash-2-4', 'sha256'));
update visitor_salts set scheme = 'sha256';
