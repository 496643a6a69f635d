-- A report's unique counts read the visitor-days of a range of days; with no index on day they scanned
-- the whole table, however short the range. Rows arrive in day order (today's clicks, written as they
-- come), so a BRIN index on day narrows a range to its pages and costs the writer next to nothing,
-- where a btree would add an index entry to every visitor row. The primary key stays link first (the
-- distribution column, docs/scaling.md).
create index link_visitors_daily_day_brin on link_visitors_daily using brin (day);
