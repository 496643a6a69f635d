-- Links that route: ordered rules (first match wins, else url), app targets for iOS/Android, an escape from
-- in-app browsers, a password (scrypt hash; never read back by the API), a human click limit and, for an
-- expired or spent link, a fallback target instead of 410.
alter table links
  add column rules         jsonb check (rules is null or jsonb_typeof(rules) = 'array'),
  add column app_targets   jsonb check (app_targets is null or jsonb_typeof(app_targets) = 'object'),
  add column in_app_escape boolean not null default false,
  add column password_hash text,
  add column max_clicks    bigint check (max_clicks > 0),
  add column fallback_url  text check (length(fallback_url) <= 2048);

-- Which rule answered a click: its position, 1 for the first; 0 when none matched (the link's url); null for
-- a link without rules. Rolled up as dimension 'rule' in click_dimensions_daily.
alter table clicks add column rule smallint;

create or replace view labeled_clicks as
select c.id, c.link_id, c.clicked_at, v.kind, v.medium, v.app, v.visibility, v.referrer, v.user_agent, c.visitor, c.language, c.country,
       v.browser, v.os, v.device, v.requested_with, c.verdict_id, c.rule
from clicks c
join click_verdicts v on v.id = c.verdict_id;
