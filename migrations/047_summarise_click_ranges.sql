-- Block ranges of the clicks' BRIN indexes that no vacuum has summarised yet match every time range, so the
-- newest clicks (those a click webhook delivers) would all be read for each delivery. This summarises the
-- complete ones, newest first until one already is (work vacuum would do later); the range still being
-- filled is left alone: once summarised, every click written into it would have to widen its summary.
-- Called by src/webhooks/click-delivery.ts under a short lock_timeout, so it waits for no vacuum.
create function summarise_new_click_ranges() returns void
language plpgsql as $$
declare
  x record;
  r bigint;
begin
  for x in
    select ix.indexrelid as brin, ix.indrelid as part, coalesce((
      select o.option_value::int from pg_options_to_table(ic.reloptions) o where o.option_name = 'pages_per_range'
    ), 128) as per
    from pg_inherits i
    join pg_index ix on ix.indrelid = i.inhrelid
    join pg_class ic on ic.oid = ix.indexrelid
    join pg_am am on am.oid = ic.relam and am.amname = 'brin'
    where i.inhparent = 'clicks'::regclass
  loop
    r := pg_relation_size(x.part) / current_setting('block_size')::int / x.per * x.per - x.per;
    while r >= 0 and brin_summarize_range(x.brin, r) > 0 loop
      r := r - x.per;
    end loop;
  end loop;
end $$;
