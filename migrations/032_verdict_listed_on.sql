-- The last UTC day a writer listed a verdict in a batch (src/clicks/verdicts/verdict-ledger.ts): a writer
-- takes a verdict as stored only on the day it listed it, so a verdict not listed for days is in no
-- writer's hands, and once no click uses it either, the collector may delete it
-- (src/clicks/retention/collect-verdicts.ts). Verdicts stored before this migration count as listed today.
alter table click_verdicts add column listed_on date not null default ((now() at time zone 'UTC')::date);
