import type { FastifyBaseLogger } from 'fastify'
import fp from 'fastify-plugin'
import pg from 'pg'
import type { Config } from '../config.ts'
import { databaseKind } from '../infra/database.ts'
import type { LinkCache } from './link-cache.ts'

/** The channel migration 005 announces changed links on (their cache keys since migration 029). */
export const LINK_CHANGED_CHANNEL = 'umbra_link_changed'
/** The channel migration 029 announces changed domains on. */
export const DOMAIN_CHANGED_CHANNEL = 'umbra_domain_changed'

const MAX_RECONNECT_DELAY_MS = 10_000
const LISTEN_WAIT_MS = 2_000

/**
 * Keeps one dedicated connection LISTENing for changed codes and drops them from this instance's link
 * cache, so a link changed through any instance stops redirecting the old way everywhere. When the
 * connection is lost it reconnects with backoff and clears the whole cache, since notifications sent
 * meanwhile are gone.
 */
export function listenForLinkChanges(o: {
  databaseUrl: string
  linkCache: Pick<LinkCache, 'invalidate' | 'clear'>
  log: FastifyBaseLogger
  /** A domain was added, changed or removed somewhere (or notifications may have been missed): reload them. */
  onDomainsChanged?: () => void
}) {
  let client: pg.Client | null = null
  let stopped = false
  let delay = 250
  let timer: NodeJS.Timeout | null = null
  let connectedOnce = false
  let resolveListening!: () => void
  const listening = new Promise<void>((resolve) => (resolveListening = resolve))

  const scheduleReconnect = () => {
    if (stopped || timer) return
    timer = setTimeout(() => {
      timer = null
      void connect()
    }, delay)
    timer.unref()
    delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS)
  }

  async function connect() {
    const c = new pg.Client({
      connectionString: o.databaseUrl,
      application_name: 'umbra-link-listener',
      keepAlive: true,
    })
    client = c
    c.on('notification', (msg) => {
      if (msg.channel === LINK_CHANGED_CHANNEL && msg.payload) o.linkCache.invalidate(msg.payload)
      else if (msg.channel === DOMAIN_CHANGED_CHANNEL) o.onDomainsChanged?.()
    })
    c.on('error', (err) => {
      o.log.warn({ err }, 'link change listener lost its connection; reconnecting')
      void c.end().catch(() => {})
      if (client === c) scheduleReconnect()
    })
    c.on('end', () => {
      if (client === c && !stopped) scheduleReconnect()
    })
    try {
      await c.connect()
      await c.query(`listen ${LINK_CHANGED_CHANNEL}; listen ${DOMAIN_CHANGED_CHANNEL}`)
    } catch (err) {
      void c.end().catch(() => {})
      if (!stopped) {
        o.log.warn({ err }, 'link change listener cannot connect; retrying')
        scheduleReconnect()
      }
      return
    }
    if (stopped) return void c.end().catch(() => {})
    // Changes made while we were not listening were announced to nobody: forget everything cached.
    if (connectedOnce) {
      o.linkCache.clear()
      o.onDomainsChanged?.()
      o.log.info('link change listener reconnected; link cache cleared')
    }
    connectedOnce = true
    delay = 250
    resolveListening()
  }

  void connect()
  return {
    /** Resolves once LISTEN is in place (the first time). */
    listening,
    async close() {
      stopped = true
      if (timer) clearTimeout(timer)
      await client?.end().catch(() => {})
    },
  }
}

/** Registers the listener; buildApp hands every plugin the resolved database URL, the embedded one included. */
export const linkChangesPlugin = fp<{ config: Config; linkCache: LinkCache }>(
  async (app, { config, linkCache }) => {
    const reloadDomains = () =>
      void app.reloadDomains().catch((err) => app.log.warn({ err }, 'reloading the served domains failed'))
    if (databaseKind(config) !== 'postgres' || !config.databaseUrl) return
    const listener = listenForLinkChanges({
      databaseUrl: config.databaseUrl,
      linkCache,
      log: app.log.child({ component: 'link-changes' }),
      onDomainsChanged: reloadDomains,
    })
    app.addHook('onClose', () => listener.close())
    // Start serving once changes are heard (or after a short wait: the listener keeps trying on its own).
    await Promise.race([listener.listening, new Promise((resolve) => setTimeout(resolve, LISTEN_WAIT_MS).unref())])
  },
  { name: 'link-changes', dependencies: ['database', 'domains'] },
)
