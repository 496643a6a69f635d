-- Unique visitors per link and UTC day as a count, so a link's stats read one row a day instead of
-- counting every visitor-day row (a link with a million clicks a month has ~300,000 of those).
-- Kept by triggers on link_visitors_daily, so every writer stays consistent: the batch writer inserts
-- visitors, reclassification inserts and deletes them.
create table link_uniques_daily (
  link_id  bigint not null,
  day      date not null,
  visitors bigint not null,
  primary key (link_id, day)
);

insert into link_uniques_daily (link_id, day, visitors)
select link_id, day, count(*) from link_visitors_daily group by 1, 2;

create function count_link_visitors() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into link_uniques_daily as u (link_id, day, visitors)
    select link_id, day, count(*) from added group by 1, 2 order by 1, 2
    on conflict (link_id, day) do update set visitors = u.visitors + excluded.visitors;
  else
    update link_uniques_daily u set visitors = u.visitors - r.n
    from (select link_id, day, count(*) as n from removed group by 1, 2) r
    where u.link_id = r.link_id and u.day = r.day;
  end if;
  return null;
end $$;

-- Statement-level, over the rows actually inserted (a visitor already there for the day is not counted again).
create trigger link_visitors_added
after insert on link_visitors_daily
referencing new table as added
for each statement execute function count_link_visitors();

create trigger link_visitors_removed
after delete on link_visitors_daily
referencing old table as removed
for each statement execute function count_link_visitors();
