import type { Queryable } from '../infra/pool.ts'
import type { RoutingColumns, RoutingRow } from './link-routing.ts'

export type LinkRow = RoutingRow & {
  id: string
  /** '' on the default domain (PUBLIC_URL's host), else the host (src/domains). */
  domain: string
  code: string
  url: string
  title: string | null
  channel: string | null
  topics: string[]
  campaign: string | null
  /** The content whose share kit this link belongs to, if any. */
  content_id: string | null
  expires_at: Date | null
  disabled_at: Date | null
  conversion_tracking: boolean
  created_at: Date
  updated_at: Date
}

export type NewLink = {
  code: string
  /** A served domain ('' or omitted: the default). */
  domain?: string
  url: string
  title?: string | null
  channel?: string | null
  topics?: string[]
  campaign?: string | null
  expiresAt?: string | null
  contentId?: string | null
  conversionTracking?: boolean
} & RoutingColumns

export type LinkPatch = Partial<Omit<NewLink, 'code' | 'domain'>> & { disabled?: boolean }

export type LinkFilter = {
  domain?: string
  topic?: string
  channel?: string
  campaign?: string
  q?: string
  afterId?: string
  limit: number
}

const COLUMNS =
  'id, domain, code, url, title, channel, topics, campaign, content_id, expires_at, disabled_at, conversion_tracking, ' +
  'created_at, updated_at, rules, app_targets, in_app_escape, password_hash, max_clicks, fallback_url'
/** Every column of a LinkRow, for other repositories that read links. */
export const LINK_COLUMNS = COLUMNS

/**
 * Inserts a link; returns null when the code is taken on its domain, or the domain is no longer served (the
 * caller decides: retry or 409). The domain row is key-share locked, so a concurrent delete of the domain
 * waits and then sees the link.
 */
export async function insertLink(db: Queryable, link: NewLink): Promise<LinkRow | null> {
  const { rows } = await db.query(
    `insert into links (code, url, title, channel, topics, campaign, expires_at, content_id, domain,
                        rules, app_targets, in_app_escape, password_hash, max_clicks, fallback_url, conversion_tracking)
     select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14::bigint, $15, $16
     where $9 = '' or exists (select 1 from domains where host = $9 for key share)
     on conflict (domain, code) do nothing
     returning ${COLUMNS}`,
    [
      link.code,
      link.url,
      link.title ?? null,
      link.channel ?? null,
      link.topics ?? [],
      link.campaign ?? null,
      link.expiresAt ?? null,
      link.contentId ?? null,
      link.domain ?? '',
      link.rules?.length ? JSON.stringify(link.rules) : null,
      link.deepLinks ? JSON.stringify(link.deepLinks) : null,
      link.inAppEscape ?? false,
      link.passwordHash ?? null,
      link.maxClicks ?? null,
      link.fallbackUrl ?? null,
      link.conversionTracking ?? false,
    ],
  )
  return rows[0] ?? null
}

/** The link of a code on a domain ('', the default domain, when not given). */
export async function findLinkByCode(db: Queryable, code: string, domain = ''): Promise<LinkRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from links where domain = $2 and code = $1`, [code, domain])
  return rows[0] ?? null
}

/** The links of many (domain, code) pairs in one query (the link cache loads a turn's misses this way); unknown ones are absent. */
export async function findLinksByCodes(
  db: Queryable,
  keys: readonly { domain: string; code: string }[],
): Promise<LinkRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from links
     where (domain, code) in (select * from unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.domain), keys.map((k) => k.code)],
  )
  return rows
}

/** Newest first; keyset pagination on id so pages stay stable while links are created. */
export async function listLinks(db: Queryable, f: LinkFilter): Promise<LinkRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from links
     where ($1::text is null or $1 = any(topics))
       and ($2::text is null or channel = $2)
       and ($3::text is null or campaign = $3)
       and ($4::text is null or code ilike '%' || $4 || '%' or url ilike '%' || $4 || '%' or title ilike '%' || $4 || '%')
       and ($5::bigint is null or id < $5)
       and ($7::text is null or domain = $7)
     order by id desc
     limit $6`,
    [
      f.topic ?? null,
      f.channel ?? null,
      f.campaign ?? null,
      f.q ? escapeLike(f.q) : null,
      f.afterId ?? null,
      f.limit,
      f.domain ?? null,
    ],
  )
  return rows
}

/** Applies only the fields present in the patch; null clears a field. */
export async function updateLink(db: Queryable, code: string, patch: LinkPatch, domain = ''): Promise<LinkRow | null> {
  const has = (k: keyof LinkPatch) => patch[k] !== undefined
  const { rows } = await db.query(
    `update links set
       url = case when $2 then $3 else url end,
       title = case when $4 then $5 else title end,
       channel = case when $6 then $7 else channel end,
       topics = case when $8 then $9::text[] else topics end,
       campaign = case when $10 then $11 else campaign end,
       expires_at = case when $12 then $13::timestamptz else expires_at end,
       disabled_at = case when $14 then (case when $15 then coalesce(disabled_at, now()) else null end) else disabled_at end,
       rules = case when $17 then $18::jsonb else rules end,
       app_targets = case when $19 then $20::jsonb else app_targets end,
       in_app_escape = case when $21 then $22 else in_app_escape end,
       password_hash = case when $23 then $24 else password_hash end,
       max_clicks = case when $25 then $26::bigint else max_clicks end,
       fallback_url = case when $27 then $28 else fallback_url end,
       conversion_tracking = coalesce($29, conversion_tracking),
       updated_at = now()
     where code = $1 and domain = $16
     returning ${COLUMNS}`,
    [
      code,
      has('url'),
      patch.url ?? null,
      has('title'),
      patch.title ?? null,
      has('channel'),
      patch.channel ?? null,
      has('topics'),
      patch.topics ?? [],
      has('campaign'),
      patch.campaign ?? null,
      has('expiresAt'),
      patch.expiresAt ?? null,
      has('disabled'),
      patch.disabled ?? false,
      domain,
      has('rules'),
      patch.rules?.length ? JSON.stringify(patch.rules) : null,
      has('deepLinks'),
      patch.deepLinks ? JSON.stringify(patch.deepLinks) : null,
      has('inAppEscape'),
      patch.inAppEscape ?? false,
      has('passwordHash'),
      patch.passwordHash ?? null,
      has('maxClicks'),
      patch.maxClicks ?? null,
      has('fallbackUrl'),
      patch.fallbackUrl ?? null,
      patch.conversionTracking ?? null,
    ],
  )
  return rows[0] ?? null
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * Human clicks a link has had, from the daily rollups (a row a day, not an hour): where a click limit starts
 * counting when the link is loaded.
 */
export async function countHumanClicks(db: Queryable, linkId: string): Promise<number> {
  const { rows } = await db.query(
    `select coalesce(sum(clicks), 0)::bigint as n from click_rollups_daily where link_id = $1 and kind = 'human'`,
    [linkId],
  )
  return Number(rows[0].n)
}
