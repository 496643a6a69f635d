-- Room on each page for the next version of a counter row, so its update is HOT (no index entries).
alter table click_dimensions_daily set (fillfactor = 70);
alter table link_uniques_daily set (fillfactor = 70);
