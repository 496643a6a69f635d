-- A link's stats read its hourly rollups by link and time range: with the labels and counts in the index
-- they are read from it alone (index-only), not from thousands of heap pages scattered by upserts.
-- Measured on 10M clicks, a link with 1M of them, 30 days: 53 ms → 2 ms.
create index click_rollups_hourly_by_link_hour on click_rollups_hourly (link_id, hour) include (kind, medium, app, visibility, clicks);
