import type { ImportFormat, ImportRecord } from './import-record.ts'
import { parseBitly } from './parse-bitly.ts'
import { parseGenericCsv } from './parse-csv.ts'
import { parseKutt } from './parse-kutt.ts'
import { parseShlink } from './parse-shlink.ts'
import { parseYourls } from './parse-yourls.ts'

/** Each format's parser: the file's text in, one record per short link out; ImportFormatError when unreadable. */
export const PARSERS: Record<ImportFormat, (input: string) => ImportRecord[]> = {
  bitly: parseBitly,
  shlink: parseShlink,
  yourls: parseYourls,
  kutt: parseKutt,
  csv: parseGenericCsv,
}
