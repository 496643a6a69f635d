import { createHash } from 'node:crypto'
import type { Pool } from '../infra/database.ts'
import type { Queryable } from '../infra/pool.ts'
import { Problem } from '../infra/problem.ts'
import type { LinkRow } from '../links/link-repository.ts'
import { mintLink } from '../links/mint-link.ts'
import type { UrlPolicy } from '../links/url-policy.ts'
import { DEFAULT_KIT_CHANNELS, findChannel } from './channels.ts'
import {
  claimIdempotencyKey,
  countPublishableMint,
  insertContent,
  liveLinksOfContents,
  lockContentByUrl,
  settleIdempotencyKey,
  updateContent,
  type ContentRow,
} from './content-repository.ts'
import type { UtmOptions } from './share-schemas.ts'
import { tagWithUtm } from './utm-tagging.ts'

/** A kit request whose URL has already passed the URL policy (so it is the canonical URL). */
export type ShareKitRequest = {
  url: string
  title?: string
  topics?: string[]
  campaign?: string
  channels?: string[]
  utm?: UtmOptions
  /** The stored domain the kit's links are minted on ('' the default); omitted: the kit's own, or the default for a new kit. */
  domain?: string
}

export type ShareKit = {
  content: ContentRow
  /** Every live link of the kit: the requested channels' first, in the order asked for, then the others. */
  links: LinkRow[]
  /** 201 when this call created the content or any link, 200 when all existed; a replayed Idempotency-Key gets the first answer's. */
  status: 200 | 201
  /** Codes minted by this call (caches may hold them as unknown). */
  mintedCodes: string[]
}

export type IdempotencyClaim = { keyId: string; key: string }

/** Who asks, as far as the kit cares. */
export type KitCaller =
  /** A secret or admin key: its text is the kit's, and it confirms a kit a publishable key made. */
  | { kind: 'confirming' }
  /** A publishable key: anyone can call with it, so its text stays unconfirmed and it mints at most `mintsPerDay` kits a UTC day. */
  | { kind: 'publishable'; keyId: string; mintsPerDay: number }

const DAY_MS = 86_400_000

function mintLimitReached(perDay: number): Problem {
  const now = Date.now()
  const reset = String(Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000)))
  return new Problem(
    429,
    'rate-limited',
    'Too many requests',
    `this publishable key has created or completed ${perDay} share kits today (WIDGET_MINTS_PER_DAY); existing kits still load, new ones after 00:00 UTC (in ${reset} s)`,
    undefined,
    { 'retry-after': reset, 'ratelimit-limit': String(perDay), 'ratelimit-remaining': '0', 'ratelimit-reset': reset },
  )
}

/**
 * Creates or completes the share kit of one content, in one transaction: the content row (unique by
 * canonical URL) is inserted or locked first, so concurrent calls for one URL take turns and the
 * second finds the first's links instead of minting its own. Only missing channels get new links;
 * existing links are never changed (a CMS republishing must not break links already shared); a
 * disabled link is retired and its channel gets a new one.
 *
 * A publishable key's kit keeps its title and topics unconfirmed (share intents leave them out); the
 * first secret key to ask for the same URL makes its own request's title, topics and campaign the kit's
 * (absent ones cleared) and confirms it. A publishable key's call that would mint counts against its daily cap.
 */
export async function createShareKit(
  pool: Pick<Pool, 'connect'>,
  request: ShareKitRequest,
  opts: {
    urlPolicy: UrlPolicy
    caller: KitCaller
    idempotency?: IdempotencyClaim
    /** The host of a stored domain, for the 409 naming the kit's domain. */
    hostOf: (domain: string) => string
    /** Runs in the kit's transaction before it commits (the audit log's entry). */
    beforeCommit?: (
      client: Queryable,
      kit: { content: ContentRow; mintedCodes: string[]; created: boolean },
    ) => Promise<void>
  },
): Promise<ShareKit> {
  const channels = request.channels ?? [...DEFAULT_KIT_CHANNELS]
  const client = await pool.connect()
  try {
    await client.query('begin')
    let replayedStatus: number | null = null
    if (opts.idempotency) {
      const hash = requestHash(request, channels)
      const earlier = await claimIdempotencyKey(client, opts.idempotency.keyId, opts.idempotency.key, hash)
      if (earlier && !earlier.request_hash.equals(hash))
        throw new Problem(
          422,
          'idempotency-key-reused',
          'Idempotency-Key reused',
          'this Idempotency-Key was used with a different request; use a new key',
          [{ field: 'Idempotency-Key', message: 'was used with a different request' }],
        )
      replayedStatus = earlier?.status ?? null
    }

    const confirming = opts.caller.kind === 'confirming'
    const domain = request.domain ?? ''
    const inserted = await insertContent(client, { ...request, domain, textConfirmed: confirming })
    let content = inserted ?? (await lockContentByUrl(client, request.url))
    if (!content) throw new Error(`content ${request.url} vanished between insert and lock`)
    // Links already shared keep their short URLs: a kit is on one domain, the one it was made on.
    if (request.domain !== undefined && request.domain !== content.domain)
      throw Problem.conflict(
        `the kit of this URL is on ${opts.hostOf(content.domain)}, where its links were shared; ask for that domain or none`,
        'domain',
      )
    if (confirming && !content.text_confirmed) {
      const text = { title: request.title ?? null, topics: request.topics ?? [], campaign: request.campaign ?? null }
      const updated = await updateContent(client, content.id, text)
      if (!updated) throw new Error(`content ${content.id} vanished while locked`)
      content = updated
    }

    // A kit's links all have a channel (channelLink below).
    const byChannel = new Map((await liveLinksOfContents(client, [content.id])).map((l) => [l.channel ?? '', l]))
    const missing = channels.filter((c) => !byChannel.has(c))
    if (
      missing.length &&
      opts.caller.kind === 'publishable' &&
      !(await countPublishableMint(client, opts.caller.keyId, opts.caller.mintsPerDay))
    )
      throw mintLimitReached(opts.caller.mintsPerDay)
    const mintedCodes: string[] = []
    for (const channel of missing) {
      const row = await mintLink(client, channelLink(content, channel, request), opts.urlPolicy)
      byChannel.set(channel, row)
      mintedCodes.push(row.code)
    }
    const status = (replayedStatus ?? (inserted || mintedCodes.length ? 201 : 200)) as 200 | 201
    if (opts.idempotency && replayedStatus === null)
      await settleIdempotencyKey(client, opts.idempotency.keyId, opts.idempotency.key, content.id, status)
    await opts.beforeCommit?.(client, { content, mintedCodes, created: inserted !== null })
    await client.query('commit')
    // The whole kit, not only the channels named: a CMS that stores the answer as "the kit" keeps every link.
    const named = channels.flatMap((c) => byChannel.get(c) ?? [])
    const others = [...byChannel].filter(([channel]) => !channels.includes(channel)).map(([, l]) => l)
    return { content, links: [...named, ...others], status, mintedCodes }
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** A channel link carries its content's title, topics and campaign, so link-level reports group by them. */
function channelLink(content: ContentRow, channel: string, request: ShareKitRequest) {
  return {
    url: request.utm ? tagWithUtm(content.url, utmTags(channel, content, request.utm)) : content.url,
    title: content.title,
    channel,
    topics: content.topics,
    campaign: content.campaign,
    contentId: content.id,
    domain: content.domain,
  }
}

function utmTags(channel: string, content: ContentRow, utm: UtmOptions) {
  const custom = typeof utm === 'object' ? utm : {}
  return {
    source: channel,
    medium: custom.medium ?? findChannel(channel)?.utmMedium ?? 'share',
    campaign: custom.campaign ?? content.campaign,
  }
}

/** The request as the Idempotency-Key remembers it: same canonical fields, same hash. */
function requestHash(r: ShareKitRequest, channels: string[]): Buffer {
  const fields = [
    r.url,
    r.title ?? null,
    r.topics ?? [],
    r.campaign ?? null,
    channels,
    r.utm ?? false,
    r.domain ?? null,
  ]
  return createHash('sha256').update(JSON.stringify(fields)).digest()
}
