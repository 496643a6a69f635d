-- An hourly rollup upsert changes only `clicks`; with `clicks` in an index (008's covering index) no such
-- update could be HOT, so each wrote a new entry in both indexes and left two dead ones. Without it, and
-- with room on each page for the next version of a row, the upsert of an existing row touches no index.
-- A link's stats now read its rows through the primary key (link_id, hour, …) and the heap.
drop index if exists click_rollups_hourly_by_link_hour;
alter table click_rollups_hourly set (fillfactor = 70);
