-- Links brought in from another shortener (umbra import): which tool's export they came from, and the click
-- total that tool had counted. The total stays a number of its own: those clicks have no time, medium,
-- app or visibility, so they are never made into click rows, and stats report them apart (importedClicks).
create table imported_links (
  link_id     bigint primary key references links (id),
  source      text not null check (source in ('bitly', 'shlink', 'yourls', 'kutt', 'csv')),
  clicks      bigint check (clicks >= 0),
  imported_at timestamptz not null default now()
);
