import type { Queryable } from '../infra/pool.ts'
import { LINK_COLUMNS, type LinkRow } from '../links/link-repository.ts'

export type ContentRow = {
  id: string
  url: string
  title: string | null
  topics: string[]
  campaign: string | null
  /** False while the title and topics are a publishable key's caller's claim (migration 015). */
  text_confirmed: boolean
  conversion_tracking: boolean
  /** The short domain of the kit's links: '' for the default (migration 040). */
  domain: string
  created_at: Date
}

export type NewContent = {
  url: string
  title?: string | null
  topics?: string[]
  campaign?: string | null
  textConfirmed: boolean
  domain: string
}

const CONTENT_COLUMNS = 'id, url, title, topics, campaign, text_confirmed, conversion_tracking, domain, created_at'

/** Inserts the content unless its canonical URL exists; null when it does (another call made it first). */
export async function insertContent(db: Queryable, c: NewContent): Promise<ContentRow | null> {
  const { rows } = await db.query(
    `insert into contents (url, title, topics, campaign, text_confirmed, domain) values ($1, $2, $3, $4, $5, $6)
     on conflict (url) do nothing
     returning ${CONTENT_COLUMNS}`,
    [c.url, c.title ?? null, c.topics ?? [], c.campaign ?? null, c.textConfirmed, c.domain],
  )
  return rows[0] ?? null
}

/** Reads the content and locks it until the transaction ends, so kit calls for one URL take turns. */
export async function lockContentByUrl(db: Queryable, url: string): Promise<ContentRow | null> {
  const { rows } = await db.query(`select ${CONTENT_COLUMNS} from contents where url = $1 for update`, [url])
  return rows[0] ?? null
}

export async function findContent(db: Queryable, id: string): Promise<ContentRow | null> {
  const { rows } = await db.query(`select ${CONTENT_COLUMNS} from contents where id = $1`, [id])
  return rows[0] ?? null
}

/**
 * Changes a content's title, topics or campaign (the fields given) and the same on every link of its kit,
 * disabled ones too: reports count a link's clicks under its topics and campaign, so the kit stays one.
 * The kit's text is confirmed as it reads after the change: only secret keys call this. Null when there
 * is no such content.
 */
export async function updateContent(
  db: Queryable,
  id: string,
  u: { title?: string | null; topics?: string[]; campaign?: string | null; conversionTracking?: boolean },
): Promise<ContentRow | null> {
  const { rows } = await db.query(
    `with content as (
       update contents set
         title = case when $2 then $3 else title end,
         topics = coalesce($4, topics),
         campaign = case when $5 then $6 else campaign end,
         conversion_tracking = coalesce($7, conversion_tracking),
         text_confirmed = true
       where id = $1
       returning ${CONTENT_COLUMNS}
     ), kit as (
       update links l set
         title = c.title, topics = c.topics, campaign = c.campaign,
         conversion_tracking = case when $7 is null then l.conversion_tracking else c.conversion_tracking end
       from content c
       where l.content_id = c.id
     )
     select * from content`,
    [
      id,
      u.title !== undefined,
      u.title ?? null,
      u.topics ?? null,
      u.campaign !== undefined,
      u.campaign ?? null,
      u.conversionTracking ?? null,
    ],
  )
  return rows[0] ?? null
}

/** Newest first, keyset-paginated on id. */
export async function listContents(
  db: Queryable,
  f: { topic?: string; campaign?: string; beforeId?: string; limit: number },
): Promise<ContentRow[]> {
  const { rows } = await db.query(
    `select ${CONTENT_COLUMNS} from contents
     where ($1::text is null or $1 = any(topics))
       and ($2::text is null or campaign = $2)
       and ($3::bigint is null or id < $3)
     order by id desc
     limit $4`,
    [f.topic ?? null, f.campaign ?? null, f.beforeId ?? null, f.limit],
  )
  return rows
}

/** The live (not disabled) channel links of some contents, oldest first: their share kits. */
export async function liveLinksOfContents(db: Queryable, contentIds: readonly string[]): Promise<LinkRow[]> {
  if (!contentIds.length) return []
  const { rows } = await db.query(
    `select ${LINK_COLUMNS} from links where content_id = any($1::bigint[]) and channel is not null and disabled_at is null order by id`,
    [contentIds],
  )
  return rows
}

/** Every channel link a content ever had, disabled ones included: their clicks still count in reports. */
export async function allLinksOfContent(db: Queryable, contentId: string): Promise<LinkRow[]> {
  const { rows } = await db.query(
    `select ${LINK_COLUMNS} from links where content_id = $1 and channel is not null order by id`,
    [contentId],
  )
  return rows
}

export type IdempotencyRecord = { request_hash: Buffer; content_id: string | null; status: number | null }

/**
 * Claims an Idempotency-Key for this API key, or returns the earlier claim. A concurrent first use
 * holds the row until it commits, so a retry waits and then sees the finished answer.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  keyId: string,
  key: string,
  requestHash: Buffer,
): Promise<IdempotencyRecord | null> {
  // A key older than a day may be reused; other expired keys are swept a few at a time, never waiting on a lock.
  await db.query(
    `delete from share_idempotency_keys
     where ctid in (select ctid from share_idempotency_keys where created_at < now() - interval '1 day' limit 100 for update skip locked)
        or (key_id = $1 and idempotency_key = $2 and created_at < now() - interval '1 day')`,
    [keyId, key],
  )
  const claimed = await db.query(
    `insert into share_idempotency_keys (key_id, idempotency_key, request_hash) values ($1, $2, $3)
     on conflict (key_id, idempotency_key) do nothing
     returning key_id`,
    [keyId, key, requestHash],
  )
  if (claimed.rows.length) return null
  const { rows } = await db.query(
    `select request_hash, content_id, status from share_idempotency_keys where key_id = $1 and idempotency_key = $2`,
    [keyId, key],
  )
  return rows[0] ?? null
}

export async function settleIdempotencyKey(
  db: Queryable,
  keyId: string,
  key: string,
  contentId: string,
  status: number,
) {
  await db.query(
    `update share_idempotency_keys set content_id = $3, status = $4 where key_id = $1 and idempotency_key = $2 and status is null`,
    [keyId, key, contentId, status],
  )
}

/**
 * Counts one kit created or completed today (UTC) by a publishable key, unless it has made `perDay`
 * already: false then, and nothing counted. The row lock makes the count exact across instances.
 */
export async function countPublishableMint(db: Queryable, keyId: string, perDay: number): Promise<boolean> {
  const { rows } = await db.query(
    `with today as (select (now() at time zone 'utc')::date as day),
     swept as (delete from publishable_key_mints where key_id = $1 and day < (select day from today) - 1)
     insert into publishable_key_mints as m (key_id, day, kits) select $1, day, 1 from today
     on conflict (key_id, day) do update set kits = m.kits + 1 where m.kits < $2
     returning kits`,
    [keyId, perDay],
  )
  return rows.length > 0
}
