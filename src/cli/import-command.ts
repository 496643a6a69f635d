import { readFile } from 'node:fs/promises'
import { instanceHosts } from '../links/url-policy.ts'
import { parseArgs } from 'node:util'
import { loadConfig, type Config } from '../config.ts'
import { createPool, type Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { listDomains } from '../domains/domain-repository.ts'
import { checkImportDomain } from '../imports/import-domain.ts'
import { IMPORT_FORMATS, ImportFormatError, type ImportFormat } from '../imports/import-record.ts'
import { runImport, type ImportItem } from '../imports/run-import.ts'

const USAGE = `usage: umbra import <${IMPORT_FORMATS.join('|')}> FILE [--domain HOST] [--dry-run]
  bitly   Bitly's Links CSV export, or the API v4 bitlinks JSON (GET /v4/groups/{guid}/bitlinks)
  shlink  the Shlink web client's CSV export, or the REST API JSON (GET /rest/v3/short-urls)
  yourls  the yourls_url table as CSV (keyword,url,title,timestamp,ip,clicks), the Import/Export plugin's CSV, or the stats API JSON
  kutt    Kutt's API v2 link list JSON (GET /api/v2/links?all=true)
  csv     a CSV with a header row: code,url,title,tags,created_at,expires_at,clicks
--domain HOST  import only the export's links on HOST, onto the same domain here (PUBLIC_URL's or DOMAINS')
--dry-run      print what would happen and change nothing
A link whose code is already here with the same target is left as it is: running the same file again changes nothing.`

type Print = (line: string) => void
type ImportContext = Pick<Config, 'publicUrl' | 'host' | 'blockedDomains'> & Partial<Pick<Config, 'domains'>>

const describeItem = (item: ImportItem, dryRun: boolean) =>
  item.action === 'create'
    ? `${dryRun ? 'would create' : 'created'} → ${item.url}`
    : item.action === 'unchanged'
      ? `unchanged (already here, same target)`
      : ''

/** `umbra import FORMAT FILE …` against an open database; bad arguments and unreadable files become plain errors. */
export async function runImportCommand(
  db: Pick<Pool, 'query' | 'connect'>,
  argv: string[],
  context: ImportContext,
  print: Print = console.log,
) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { domain: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  })
  const [format, file, ...extra] = positionals
  if (!format || !(IMPORT_FORMATS as readonly string[]).includes(format))
    throw new Error(`${format ? `unknown format "${format}"` : 'a format is needed'}\n${USAGE}`)
  if (!file || extra.length) throw new Error(`name one export file\n${USAGE}`)
  const defaultHost = new URL(context.publicUrl).hostname
  const served = new Set([...(await listDomains(db)).map((d) => d.host), ...(context.domains ?? [])])
  const domain = checkImportDomain(values.domain, (host) =>
    host === defaultHost ? '' : served.has(host) ? host : null,
  )
  const input = await readFile(file, 'utf8')
  const dryRun = values['dry-run'] ?? false
  const urlPolicy = {
    ownHosts: instanceHosts(context.publicUrl, context.host, [...served]),
    blockedDomains: context.blockedDomains,
  }
  let outcome: Awaited<ReturnType<typeof runImport>>
  try {
    outcome = await runImport(db, {
      format: format as ImportFormat,
      input,
      dryRun,
      urlPolicy,
      domain: domain?.host,
      into: domain?.stored,
    })
  } catch (err) {
    if (err instanceof ImportFormatError) throw new Error(`${file} is not a ${format} export: ${err.message}`)
    throw err
  }
  const { summary, items } = outcome
  if (dryRun) print('dry run: nothing is changed')
  for (const item of items) {
    if (item.action === 'create' && !dryRun) continue // a real run lists what needs a look, not every link it made
    if (item.action === 'unchanged' && !dryRun) continue
    const what = item.action === 'conflict' ? `conflict: ${item.reason}` : describeItem(item, dryRun)
    print(`line ${item.line}  ${item.code ?? '(no code)'}  ${what}`)
  }
  for (const w of summary.warnings) print(`line ${w.line}  ${w.code ?? '(no code)'}  warning: ${w.message}`)
  const counts = `${dryRun ? 'would create' : 'created'} ${summary.created}, unchanged ${summary.unchanged}, conflicts ${summary.conflicts.length}`
  print(!dryRun && summary.created === 0 ? `${counts}: nothing changed` : counts)
  return summary
}

export default async function importLinks(argv: string[]) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return console.log(USAGE)
  const config = loadConfig(process.env)
  const pool = await createPool(config)
  try {
    await runMigrations(pool)
    await runImportCommand(pool, argv, config)
  } finally {
    await pool.end()
  }
}
