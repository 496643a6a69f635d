-- Where a click came from, below its country, when GEOIP_DB is a City database: the region (ISO 3166-2
-- subdivision code without its country, e.g. 'IDF') and the city's English name. Rolled up as dimension
-- 'city' in click_dimensions_daily, valued 'FR/IDF/Paris' (src/clicks/rollups/rollup-keys.ts: cityKey).
alter table clicks
  add column region text,
  add column city   text;

create or replace view labeled_clicks as
select c.id, c.link_id, c.clicked_at, v.kind, v.medium, v.app, v.visibility, v.referrer, v.user_agent, c.visitor, c.language, c.country,
       v.browser, v.os, v.device, v.requested_with, c.verdict_id, c.rule, c.region, c.city
from clicks c
join click_verdicts v on v.id = c.verdict_id;
