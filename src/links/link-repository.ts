import type { Queryable } from '../infra/pool.ts'
import type { RoutingColumns, RoutingRow } from './link-routing.ts'

export type LinkRow = RoutingRow & {
  id: string
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
  created_at: Date
  updated_at: Date
}

export type NewLink = {
  code: string
  url: string
  title?: string | null
  channel?: string | null
  topics?: string[]
  campaign?: string | null
  expiresAt?: string | null
  contentId?: string | null
} & RoutingColumns

export type LinkPatch = Partial<Omit<NewLink, 'code'>> & { disabled?: boolean }

export type LinkFilter = {
  topic?: string
  channel?: string
  campaign?: string
  q?: string
  afterId?: string
  limit: number
}

const COLUMNS =
  'id, code, url, title, channel, topics, campaign, content_id, expires_at, disabled_at, created_at, updated_at, ' +
  'rules, app_targets, in_app_escape, password_hash, max_clicks, fallback_url'
/** Every column of a LinkRow, for other repositories that read links. */
export const LINK_COLUMNS = COLUMNS

/** Inserts a link; returns null when the code is taken (the caller decides: retry or 409). */
export async function insertLink(db: Queryable, link: NewLink): Promise<LinkRow | null> {
  const { rows } = await db.query(
    `insert into links (code, url, title, channel, topics, campaign, expires_at, content_id,
                        rules, app_targets, in_app_escape, password_hash, max_clicks, fallback_url)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     on conflict (code) do nothing
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
      link.rules?.length ? JSON.stringify(link.rules) : null,
      link.deepLinks ? JSON.stringify(link.deepLinks) : null,
      link.inAppEscape ?? false,
      link.passwordHash ?? null,
      link.maxClicks ?? null,
      link.fallbackUrl ?? null,
    ],
  )
  return rows[0] ?? null
}

export async function findLinkByCode(db: Queryable, code: string): Promise<LinkRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from links where code = $1`, [code])
  return rows[0] ?? null
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
     order by id desc
     limit $6`,
    [f.topic ?? null, f.channel ?? null, f.campaign ?? null, f.q ? escapeLike(f.q) : null, f.afterId ?? null, f.limit],
  )
  return rows
}

/** Applies only the fields present in the patch; null clears a field. */
export async function updateLink(db: Queryable, code: string, patch: LinkPatch): Promise<LinkRow | null> {
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
       rules = case when $16 then $17::jsonb else rules end,
       app_targets = case when $18 then $19::jsonb else app_targets end,
       in_app_escape = case when $20 then $21 else in_app_escape end,
       password_hash = case when $22 then $23 else password_hash end,
       max_clicks = case when $24 then $25::bigint else max_clicks end,
       fallback_url = case when $26 then $27 else fallback_url end,
       updated_at = now()
     where code = $1
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
    ],
  )
  return rows[0] ?? null
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** Human clicks a link has had, from the rollups: where a click limit starts counting when the link is loaded. */
export async function countHumanClicks(db: Queryable, linkId: string): Promise<number> {
  const { rows } = await db.query(
    `select coalesce(sum(clicks), 0)::bigint as n from click_rollups_hourly where link_id = $1 and kind = 'human'`,
    [linkId],
  )
  return Number(rows[0].n)
}
