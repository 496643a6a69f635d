import { z } from 'zod'
import { IMPORT_FORMATS } from './import-record.ts'

// POST /imports' query and answer (imports-routes.ts).
export const ImportQuery = z.strictObject({
  format: z.enum(IMPORT_FORMATS),
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  domain: z
    .string()
    .max(253)
    .optional()
    .describe("only the export's links on this short domain, made on the same domain here (one this server serves)"),
})

const Line = z.object({ line: z.number(), code: z.string().nullable() })
export const ImportSummaryView = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    dryRun: z.boolean(),
    created: z.number().describe('links made (in a dry run: that would be made)'),
    unchanged: z.number().describe('links already here with the same code and target, left as they are'),
    conflicts: z
      .array(Line.extend({ reason: z.string() }))
      .describe('links not imported, and why, by line of the file'),
    warnings: z.array(Line.extend({ message: z.string() })).describe('links imported with a field left out or changed'),
  })
  .meta({
    examples: [
      {
        format: 'bitly',
        dryRun: false,
        created: 2,
        unchanged: 0,
        conflicts: [{ line: 4, code: 'api', reason: 'code: "api" is reserved' }],
        warnings: [{ line: 3, code: 'spring', message: 'tag "#2024": no usable topic in it, left out' }],
      },
    ],
  })
