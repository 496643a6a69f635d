import { existsSync } from 'node:fs'
import { z } from 'zod'
import {
  LOG_LEVELS,
  booleanFlag,
  domainList,
  adminKeyWeakness,
  trustProxySetting,
  classifierExtraFile,
  servedDomainList,
  retentionDays,
  groupRoleList,
} from './setting-schemas.ts'

/** One setting: the environment variable it is read from and its schema (what it accepts, its default). */
type Setting<S extends z.ZodType = z.ZodType> = { readonly env: string; readonly schema: S }
const env = <S extends z.ZodType>(name: string, schema: S): Setting<S> => ({ env: name, schema })
type Settings = { readonly [key: string]: Setting | Settings }

/**
 * Every setting Umbra reads, from the environment, once at start, where the Config has it: adding one is
 * one line here. Defaults that depend on other settings are filled in by withDerivedDefaults below.
 */
const SETTINGS = {
  databaseUrl: env('DATABASE_URL', z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  dataDir: env('DATA_DIR', z.string().min(1).default('./data')),
  host: env('HOST', z.string().min(1).default('0.0.0.0')),
  port: env('PORT', z.coerce.number().int().min(0).max(65535).default(8080)),
  publicUrl: env('PUBLIC_URL', z.url({ protocol: /^https?$/ }).optional()),
  // Short domains served besides PUBLIC_URL's host, added at start (as POST /api/v1/domains does).
  domains: env('DOMAINS', servedDomainList.default([])),
  // Where `/` sends a visitor: a path on this server or an absolute URL (say, the marketing site).
  rootRedirect: env(
    'ROOT_REDIRECT',
    z
      .string()
      .regex(/^(\/(?!\/)|https?:\/\/)/, 'must be a path starting with / or an http(s) URL')
      .default('/dashboard'),
  ),
  // Facebook's Send dialog (Messenger on desktop) needs an app id; without one, desktop kits offer to copy the link.
  facebookAppId: env(
    'FACEBOOK_APP_ID',
    z
      .string()
      .regex(/^\d{1,20}$/, 'digits only')
      .optional(),
  ),
  adminApiKey: env(
    'ADMIN_API_KEY',
    z
      .string()
      .superRefine((key, ctx) => {
        const weakness = adminKeyWeakness(key)
        if (weakness) ctx.addIssue({ code: 'custom', message: weakness })
      })
      .optional(),
  ),
  // The server secret (HMAC key) for what a database dump must not let anyone recompute; unset: DATA_DIR/secret.key
  // (src/infra/server-secret.ts).
  secretKey: env(
    'SECRET_KEY',
    z.string().min(32, 'must be at least 32 characters').regex(/^\S+$/, 'must not contain whitespace').optional(),
  ),
  // Protects /metrics and the traffic numbers of /readyz (Authorization: Bearer <token>); unset: both open.
  metricsToken: env(
    'METRICS_TOKEN',
    z.string().min(32, 'must be at least 32 characters').regex(/^\S+$/, 'must not contain whitespace').optional(),
  ),
  logLevel: env('LOG_LEVEL', z.enum(LOG_LEVELS).default('info')),
  /** The proxies in front whose X-Forwarded-For is believed (src/infra/client-address.ts). */
  trustProxy: env('TRUST_PROXY', trustProxySetting.default(false)),
  countryHeader: env(
    'COUNTRY_HEADER',
    z
      .string()
      .regex(/^[a-z0-9-]+$/i)
      .transform((h) => h.toLowerCase())
      .optional(),
  ),
  // The IP database a click's country (and with a GeoLite2-City file, region and city) is read from when
  // COUNTRY_HEADER gives none: unset, the bundled open country database; a path, that MaxMind DB file; 'off', none.
  geoipDb: env(
    'GEOIP_DB',
    z
      .string()
      .min(1)
      .refine((path) => path === 'off' || existsSync(path), 'no such file (a MaxMind DB file, or off)')
      .optional(),
  ),
  linkCache: {
    size: env('LINK_CACHE_SIZE', z.coerce.number().int().min(0).default(100_000)),
    ttlMs: env('LINK_CACHE_TTL_MS', z.coerce.number().int().min(1000).default(60_000)),
  },
  clickWriter: {
    // A cap: batches are sealed every CLICK_FLUSH_MS unless one is being written, so they only grow this large
    // when Postgres is the bottleneck, and then fewer rollup rows are upserted per click (ingest bench: a cap
    // of 50k → ~114k clicks/s, 200k → ~158k). Default 200k on a Postgres server; 20k on the embedded one,
    // which shares a small machine with the app.
    batchSize: env('CLICK_BATCH_SIZE', z.coerce.number().int().min(1).max(500_000).optional()),
    flushMs: env('CLICK_FLUSH_MS', z.coerce.number().int().min(10).max(500).default(250)),
    // Default: two batches, so the batch being written and the one filling behind it both stay fresh.
    bufferMax: env('CLICK_BUFFER_MAX', z.coerce.number().int().min(100).optional()),
  },
  /** DNT: 1 or Sec-GPC: 1 → the click is counted without a visitor hash. */
  honorDnt: env('HONOR_DNT', booleanFlag.default(false)),
  // Cached live links are redirected ahead of Fastify's router and hooks (src/redirect/redirect-fast-path.ts).
  redirectFastPath: env('REDIRECT_FAST_PATH', booleanFlag.default(true)),
  // The common beacon is kept ahead of Fastify's router and hooks (src/funnel/beacon-fast-path.ts).
  beaconFastPath: env('BEACON_FAST_PATH', booleanFlag.default(true)),
  /** Target domains refused by the URL policy (their subdomains too). */
  blockedDomains: env('BLOCKED_DOMAINS', domainList.default([])),
  limits: {
    bodyBytes: env(
      'BODY_LIMIT_BYTES',
      z.coerce
        .number()
        .int()
        .min(1024)
        .max(10 * 1024 * 1024)
        .default(64 * 1024),
    ),
    headerBytes: env(
      'MAX_HEADER_BYTES',
      z.coerce
        .number()
        .int()
        .min(1024)
        .max(64 * 1024)
        .default(16 * 1024),
    ),
  },
  apiKeys: {
    // Revocation reaches other instances within this TTL, so it is capped at a few seconds.
    cacheTtlMs: env('KEY_CACHE_TTL_MS', z.coerce.number().int().min(0).max(10_000).default(5_000)),
    cacheSize: env('KEY_CACHE_SIZE', z.coerce.number().int().min(1).default(10_000)),
    // A key's last_used_at is at most this late.
    usageFlushMs: env('KEY_USAGE_FLUSH_MS', z.coerce.number().int().min(100).max(3_600_000).default(60_000)),
  },
  /** Requests per window: per key for API reads and writes, per client IP for 404/410 pages and the widget. */
  rateLimits: {
    windowMs: env('RATE_LIMIT_WINDOW_MS', z.coerce.number().int().min(100).default(60_000)),
    apiReads: env('RATE_LIMIT_API_READS', z.coerce.number().int().min(1).default(600)),
    apiWrites: env('RATE_LIMIT_API_WRITES', z.coerce.number().int().min(1).default(120)),
    missPages: env('RATE_LIMIT_MISSES', z.coerce.number().int().min(1).default(60)),
    widget: env('RATE_LIMIT_WIDGET', z.coerce.number().int().min(1).default(60)),
    // Wrong passwords per client IP and window on password-protected links; past it, 429 until the window ends.
    passwordAttempts: env('RATE_LIMIT_PASSWORDS', z.coerce.number().int().min(1).default(10)),
    // Share kits one publishable key may create or complete per UTC day, counted in Postgres (all instances).
    widgetMintsPerDay: env('WIDGET_MINTS_PER_DAY', z.coerce.number().int().min(1).default(500)),
  },
  people: {
    // Invitations and password links are also mailed when set (smtp:// or smtps://user:pass@host:port).
    smtpUrl: env('SMTP_URL', z.url({ protocol: /^smtps?$/ }).optional()),
    mailFrom: env('SMTP_FROM', z.string().min(3).default('Umbra <umbra@localhost>')),
    // Failed sign-ins per account per RATE_LIMIT_WINDOW_MS; past it every attempt on the account gets 429.
    accountFailures: env('SIGN_IN_FAILURES_PER_ACCOUNT', z.coerce.number().int().min(1).default(10)),
  },
  /** Single sign-on with OpenID Connect (src/sso/): on when OIDC_ISSUER is set. */
  oidc: {
    issuer: env('OIDC_ISSUER', z.url({ protocol: /^https?$/ }).optional()),
    clientId: env('OIDC_CLIENT_ID', z.string().min(1).optional()),
    clientSecret: env('OIDC_CLIENT_SECRET', z.string().min(1).optional()),
    // Only these email domains may sign in (and become members); empty: any verified email.
    allowedDomains: env('OIDC_ALLOWED_DOMAINS', domainList.default([])),
    defaultRole: env('OIDC_DEFAULT_ROLE', z.enum(['admin', 'editor', 'viewer']).default('viewer')),
    groupsClaim: env('OIDC_GROUPS_CLAIM', z.string().min(1).default('groups')),
    // "marketing-leads=admin,marketing=editor": the first group of the list a person is in gives their role.
    groupRoles: env('OIDC_GROUP_ROLES', groupRoleList.default([])),
  },
  webhooks: {
    // Private, loopback and link-local targets (and plain http) refused unless set: for local setups and tests.
    allowPrivate: env('WEBHOOK_ALLOW_PRIVATE', booleanFlag.default(false)),
    // false: this instance records events but sends none (redirect nodes; another instance delivers).
    deliver: env('WEBHOOK_DELIVERY', booleanFlag.default(true)),
    timeoutMs: env('WEBHOOK_TIMEOUT_MS', z.coerce.number().int().min(100).max(60_000).default(10_000)),
    // Retry delays double from the base up to the cap (with jitter); an endpoint failing longer than
    // WEBHOOK_DISABLE_AFTER_HOURS is disabled with its backlog kept.
    retryBaseMs: env('WEBHOOK_RETRY_BASE_MS', z.coerce.number().int().min(10).default(5_000)),
    retryMaxMs: env('WEBHOOK_RETRY_MAX_MS', z.coerce.number().int().min(10).default(3_600_000)),
    disableAfterHours: env('WEBHOOK_DISABLE_AFTER_HOURS', z.coerce.number().positive().default(72)),
    pollMs: env('WEBHOOK_POLL_MS', z.coerce.number().int().min(10).max(60_000).default(1_000)),
    // While requests saturate this instance's event loop, deliveries wait until this late (0: never wait).
    maxLagMs: env('WEBHOOK_MAX_LAG_MS', z.coerce.number().int().min(0).max(600_000).default(10_000)),
    // Clicks per `click` delivery at most.
    clickBatch: env('WEBHOOK_CLICK_BATCH', z.coerce.number().int().min(1).max(1_000).default(500)),
    // Delivered events and the delivery log are kept this long (for replays); undelivered ones until delivered.
    retentionDays: env('WEBHOOK_RETENTION_DAYS', z.coerce.number().int().min(1).max(3650).default(30)),
  },
  /** The query parameter a conversion-tracking link's redirect adds its click reference as. */
  conversionParam: env(
    'CONVERSION_PARAM',
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/)
      .default('umb_click'),
  ),
  // Raw clicks and funnel events older than this are dropped by the month; rollups stay (README "Retention").
  rawClickRetentionDays: env('RAW_CLICK_RETENTION', retentionDays.optional()),
  // A streaming replica for stats, reports and exports; writes, the link cache and migrations use DATABASE_URL.
  readDatabaseUrl: env('READ_DATABASE_URL', z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  exports: {
    // Each running click export holds one read connection for its whole length: the cap keeps the pool for the rest.
    maxConcurrent: env('EXPORTS_MAX_CONCURRENT', z.coerce.number().int().min(1).max(50).default(2)),
    // A client that reads nothing for this long is cut off, so a stalled download cannot keep its connection.
    idleTimeoutMs: env('EXPORT_IDLE_TIMEOUT_MS', z.coerce.number().int().min(1000).default(30_000)),
  },
  /** Extra in-app tokens, preview fetchers, bots and referrer hosts (README "Classification"). */
  classifierExtra: env('CLASSIFIER_EXTRA', classifierExtraFile.optional()),
} satisfies Settings

/** The settings as parsed: the shape of SETTINGS, each setting its schema's output. */
type Parsed<S> = S extends Setting<infer Z> ? z.output<Z> : { readonly [K in keyof S]: Parsed<S[K]> }

type ParsedConfig = Parsed<typeof SETTINGS>

/** PUBLIC_URL defaults to this host and PORT; the click batch size to the database's, the buffer to two batches. */
function withDerivedDefaults(c: ParsedConfig) {
  const batchSize = c.clickWriter.batchSize ?? (c.databaseUrl ? 200_000 : 20_000)
  return {
    ...c,
    publicUrl: (c.publicUrl ?? `http://localhost:${c.port}`).replace(/\/+$/, ''),
    clickWriter: { ...c.clickWriter, batchSize, bufferMax: c.clickWriter.bufferMax ?? 2 * batchSize },
  }
}

export type Config = Readonly<ReturnType<typeof withDerivedDefaults>>

const leaves = (settings: Settings): Setting[] =>
  Object.values(settings).flatMap((s) => ('env' in s ? [s as Setting] : leaves(s as Settings)))

/** The environment's schema: one key per variable, so an error names the variable. */
export const ConfigSchema = z.object(Object.fromEntries(leaves(SETTINGS).map((s) => [s.env, s.schema])))

/** The parsed variables in the shape of SETTINGS. */
function shape(settings: Settings, vars: Record<string, unknown>): unknown {
  return Object.fromEntries(
    Object.entries(settings).map(([key, s]) => [
      key,
      'env' in s ? vars[(s as Setting).env] : shape(s as Settings, vars),
    ]),
  )
}

const deepFreeze = <T>(o: T): T => {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v)
  return Object.freeze(o)
}

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
  const config = withDerivedDefaults(shape(SETTINGS, parsed.data) as ParsedConfig)
  // The embedded database has no replicas: a read URL beside it would read another database's data.
  if (config.readDatabaseUrl && !config.databaseUrl)
    throw new ConfigError('invalid configuration: READ_DATABASE_URL: needs DATABASE_URL (the replica of that server)')
  return deepFreeze(config)
}
