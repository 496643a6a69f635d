/** The exports Umbra reads: one parser per tool, each for that tool's own export format. */
export const IMPORT_FORMATS = ['bitly', 'shlink', 'yourls', 'kutt', 'csv'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/**
 * One link as an export describes it, before any check: every field as the file has it. `line` is where
 * it starts in the file (a CSV line, or the 1-based position of a JSON item).
 */
export type ImportRecord = {
  line: number
  code: string | null
  /** The short link's host when the export names it (bit.ly, a branded domain); null when it does not. */
  domain: string | null
  url: string | null
  title: string | null
  tags: string[]
  createdAt: string | number | null
  expiresAt: string | number | null
  clicks: string | number | null
  /** Why the export itself rules the link out (a password Umbra cannot enforce), if it does. */
  refusal?: string
}

/** The file cannot be read as the format says: nothing is imported, and the message says where. */
export class ImportFormatError extends Error {}

export const emptyRecord = (line: number): ImportRecord => ({
  line,
  code: null,
  domain: null,
  url: null,
  title: null,
  tags: [],
  createdAt: null,
  expiresAt: null,
  clicks: null,
})
