import type { z } from 'zod'
import type { ConversionRecord } from './conversion-queries.ts'
import type { ConversionView } from './conversion-schemas.ts'

export function toConversionView(row: ConversionRecord): z.infer<typeof ConversionView> {
  return {
    id: row.id,
    event: row.event,
    value: row.value === null ? null : Number(row.value),
    currency: row.currency,
    externalId: row.external_id,
    code: row.code,
    channel: row.channel,
    medium: row.medium,
    app: row.app,
    visibility: row.visibility,
    clickedAt: row.clicked_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  }
}
