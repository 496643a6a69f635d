-- One CSV cell exactly as src/analytics/csv.ts's csvCell writes it, so the click export can let Postgres format
-- its rows: null → empty; text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
-- quote mark (OWASP "CSV injection"); a cell holding a comma, double quote or line break is quoted, its
-- quotes doubled (RFC 4180). One expression, no subquery, so the planner inlines it into the export's query.
create function csv_cell(v text) returns text
language sql immutable parallel safe
return case
  when v is null then ''
  when v ~ '[",\r\n]' then
    '"' || case when v ~ '^[=+\-@\t\r]' then '''' else '' end || replace(v, '"', '""') || '"'
  when v ~ '^[=+\-@\t\r]' then '''' || v
  else v
end;
