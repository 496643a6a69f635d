import { domainToASCII } from 'node:url'
import { z } from 'zod'
import { loadClassifierExtra, type ClassifierExtra } from './clicks/classify/classifier-extra.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

// "example.com, evil.example" → ['example.com', 'evil.example'], IDNs as punycode so they compare with URL hosts.
const domainList = z
  .string()
  .transform((s) => s.split(',').map((d) => d.trim().toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '')).filter(Boolean))
  .transform((domains) => domains.map((d) => domainToASCII(d) || `!${d}`))
  .refine((domains) => domains.every((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(d)), 'must be comma-separated domain names')

/** Every setting Umbra reads, from the environment, once at start. */
export const ConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Facebook's Send dialog (Messenger on desktop) needs an app id; without one, desktop kits offer to copy the link.
  FACEBOOK_APP_ID: z.string().regex(/^\d{1,20}$/, 'digits only').optional(),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRUST_PROXY: booleanFlag.default(false),
  COUNTRY_HEADER: z.string().regex(/^[a-z0-9-]+$/i).transform((h) => h.toLowerCase()).optional(),
  LINK_CACHE_SIZE: z.coerce.number().int().min(0).default(100_000),
  LINK_CACHE_TTL_MS: z.coerce.number().int().min(1000).default(60_000),
  // A cap: batches are sealed every CLICK_FLUSH_MS unless one is being written, so they only grow this large
  // when Postgres is the bottleneck, and then fewer rollup rows are upserted per click (ingest bench: a cap
  // of 50k → ~114k clicks/s, 200k → ~158k). Default 200k on Postgres; 20k on the embedded database,
  // which reads a whole batch into memory to COPY it.
  CLICK_BATCH_SIZE: z.coerce.number().int().min(1).max(500_000).optional(),
  CLICK_FLUSH_MS: z.coerce.number().int().min(10).max(500).default(250),
  // Default: two batches, so the batch being written and the one filling behind it both stay fresh.
  CLICK_BUFFER_MAX: z.coerce.number().int().min(100).optional(),
  HONOR_DNT: booleanFlag.default(false),
  // Cached live links are redirected ahead of Fastify's router and hooks (src/redirect/redirect-fast-path.ts).
  REDIRECT_FAST_PATH: booleanFlag.default(true),
  BLOCKED_DOMAINS: domainList.default([]),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  MAX_HEADER_BYTES: z.coerce.number().int().min(1024).max(64 * 1024).default(16 * 1024),
  // Revocation reaches other instances within this TTL, so it is capped at a few seconds.
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(10_000).default(5_000),
  KEY_CACHE_SIZE: z.coerce.number().int().min(1).default(10_000),
  // A key's last_used_at is at most this late.
  KEY_USAGE_FLUSH_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  RATE_LIMIT_API_READS: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_API_WRITES: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_MISSES: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_WIDGET: z.coerce.number().int().min(1).default(60),
  // A JSON file of extra in-app tokens, preview fetchers, bots and referrer hosts (README "Classification").
  CLASSIFIER_EXTRA: z.string().min(1).optional(),
})

export type Config = Readonly<{
  databaseUrl: string | undefined
  dataDir: string
  host: string
  port: number
  publicUrl: string
  facebookAppId: string | undefined
  adminApiKey: string | undefined
  logLevel: (typeof LOG_LEVELS)[number]
  trustProxy: boolean
  countryHeader: string | undefined
  linkCache: { size: number; ttlMs: number }
  clickWriter: { batchSize: number; flushMs: number; bufferMax: number }
  /** DNT: 1 or Sec-GPC: 1 → the click is counted without a visitor hash. */
  honorDnt: boolean
  redirectFastPath: boolean
  /** Target domains refused by the URL policy (their subdomains too). */
  blockedDomains: readonly string[]
  limits: { bodyBytes: number; headerBytes: number }
  apiKeys: { cacheTtlMs: number; cacheSize: number; usageFlushMs: number }
  /** Requests per window: per key for API reads and writes, per client IP for 404/410 pages and the widget. */
  rateLimits: { windowMs: number; apiReads: number; apiWrites: number; missPages: number; widget: number }
  /** CLASSIFIER_EXTRA's entries, read and validated at start. */
  classifierExtra: ClassifierExtra | undefined
}>

export class ConfigError extends Error {}

/** Parses the environment into a frozen Config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty variables mean "unset", as docker-compose and shells often pass them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = ConfigSchema.safeParse(present)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`)
  }
  const e = parsed.data
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  const batchSize = e.CLICK_BATCH_SIZE ?? (e.DATABASE_URL ? 200_000 : 20_000)
  const classifierExtra = e.CLASSIFIER_EXTRA === undefined ? undefined : readClassifierExtra(e.CLASSIFIER_EXTRA)
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    adminApiKey: e.ADMIN_API_KEY,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    countryHeader: e.COUNTRY_HEADER,
    linkCache: { size: e.LINK_CACHE_SIZE, ttlMs: e.LINK_CACHE_TTL_MS },
    clickWriter: { batchSize, flushMs: e.CLICK_FLUSH_MS, bufferMax: e.CLICK_BUFFER_MAX ?? 2 * batchSize },
    honorDnt: e.HONOR_DNT,
    facebookAppId: e.FACEBOOK_APP_ID,
    redirectFastPath: e.REDIRECT_FAST_PATH,
    blockedDomains: Object.freeze(e.BLOCKED_DOMAINS),
    limits: { bodyBytes: e.BODY_LIMIT_BYTES, headerBytes: e.MAX_HEADER_BYTES },
    apiKeys: { cacheTtlMs: e.KEY_CACHE_TTL_MS, cacheSize: e.KEY_CACHE_SIZE, usageFlushMs: e.KEY_USAGE_FLUSH_MS },
    rateLimits: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      apiReads: e.RATE_LIMIT_API_READS,
      apiWrites: e.RATE_LIMIT_API_WRITES,
      missPages: e.RATE_LIMIT_MISSES,
      widget: e.RATE_LIMIT_WIDGET,
    },
    classifierExtra,
  })
}

function readClassifierExtra(path: string): ClassifierExtra {
  try {
    return loadClassifierExtra(path)
  } catch (error) {
    throw new ConfigError(`invalid configuration: CLASSIFIER_EXTRA: ${(error as Error).message}`)
  }
}
