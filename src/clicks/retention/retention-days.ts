import { z } from 'zod'

/** RAW_CLICK_RETENTION: how long raw clicks (and funnel events) are kept, in days ("400d"); unset: forever. */
export const retentionDays = z
  .string()
  .regex(/^\d+d$/, 'must be a number of days, like 400d')
  .transform((s) => Number.parseInt(s, 10))
  .refine((days) => days >= 7, 'must be at least 7d (raw months are dropped whole, after the last day has passed)')
