-- When a request made with each key last succeeded, to within KEY_USAGE_FLUSH_MS: instances note uses in memory
-- and write them in one statement now and then, so a request never waits on this write.
alter table api_keys add column last_used_at timestamptz;
