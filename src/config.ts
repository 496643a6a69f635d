import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

/** Every setting Umbra reads, from the environment, once at start. */
export const ConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRUST_PROXY: booleanFlag.default(false),
  COUNTRY_HEADER: z.string().regex(/^[a-z0-9-]+$/i).transform((h) => h.toLowerCase()).optional(),
  LINK_CACHE_SIZE: z.coerce.number().int().min(0).default(100_000),
  LINK_CACHE_TTL_MS: z.coerce.number().int().min(1000).default(60_000),
  CLICK_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5_000),
  CLICK_FLUSH_MS: z.coerce.number().int().min(10).max(500).default(250),
  CLICK_BUFFER_MAX: z.coerce.number().int().min(100).default(100_000),
})

export type Config = Readonly<{
  databaseUrl: string | undefined
  dataDir: string
  host: string
  port: number
  publicUrl: string
  adminApiKey: string | undefined
  logLevel: (typeof LOG_LEVELS)[number]
  trustProxy: boolean
  countryHeader: string | undefined
  linkCache: { size: number; ttlMs: number }
  clickWriter: { batchSize: number; flushMs: number; bufferMax: number }
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
    clickWriter: { batchSize: e.CLICK_BATCH_SIZE, flushMs: e.CLICK_FLUSH_MS, bufferMax: e.CLICK_BUFFER_MAX },
  })
}
