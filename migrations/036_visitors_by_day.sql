-- Visitor-days keyed by day first. A batch's rows then all land at today's end of the index (keyed by link
-- first, with a million links they landed on leaf pages all over it, most not in memory), and a report's
-- unique counts read the days of their range instead of the whole table. No reader looks visitors up by
-- link alone: a link's uniques are link_uniques_daily's.
alter table link_visitors_daily drop constraint link_visitors_daily_pkey;
alter table link_visitors_daily add primary key (day, link_id, visitor);
