-- Every instance caches code → link; a change made through any of them reaches the others' caches:
-- each changed code is announced on channel umbra_link_changed, and every instance LISTENs to it.
-- Inserts count too: an instance may have cached the code as unknown before it was minted.
create function notify_link_changed() returns trigger
language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    perform pg_notify('umbra_link_changed', old.code);
  end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.code is distinct from old.code) then
    perform pg_notify('umbra_link_changed', new.code);
  end if;
  return null;
end $$;

create trigger links_notify_changed
after insert or update or delete on links
for each row execute function notify_link_changed();
