-- Country is a rollup dimension (src/clicks/rollups/rollup-keys.ts: dimensions.clickNames): the human clicks
-- already stored are counted by the country they were stored with ('unknown' when none).
insert into click_dimensions_daily as d (link_id, day, dimension, value, clicks)
select c.link_id, (c.clicked_at at time zone 'UTC')::date, 'country', coalesce(c.country, 'unknown'), count(*)
from clicks c join click_verdicts v on v.id = c.verdict_id
where v.kind = 'human'
group by 1, 2, 3, 4
order by 1, 2, 3, 4
on conflict (link_id, day, dimension, value) do update set clicks = d.clicks + excluded.clicks;
