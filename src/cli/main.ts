/** A subcommand module default-exports its entry point, which receives the arguments after its name. */
type CommandModule = { default: (argv: string[]) => Promise<void> | void }

// Loaded on demand: `umbra classify` should not pay for the database driver, nor `serve` for the classifier.
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'start the server (as npm start)', load: () => import('./serve-command.ts') },
  migrate: { summary: 'apply pending database migrations', load: () => import('./migrate-command.ts') },
  classify: {
    summary: 'label JSONL clicks from stdin, one JSON line out per line in',
    load: () => import('./classify-command.ts'),
  },
  reclassify: {
    summary: 'relabel stored clicks with the current rules',
    load: () => import('./reclassify-command.ts'),
  },
  keys: {
    summary: 'create, list and revoke API keys (the secret is printed once)',
    load: () => import('./keys-command.ts'),
  },
  users: {
    summary: 'create people accounts, reset passwords, list members (works while the server runs)',
    load: () => import('./users-command.ts'),
  },
  domains: {
    summary: 'list, add, update and remove the short domains served (works while the server runs)',
    load: () => import('./domains-command.ts'),
  },
  import: {
    summary: 'import links from a Bitly, Shlink, YOURLS or Kutt export, or a CSV',
    load: () => import('./import-command.ts'),
  },
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`)
  return `usage: umbra <command> [options]\n\ncommands:\n${lines.join('\n')}\n\numbra <command> --help for a command's options`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return 0
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    console.error(`umbra: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  try {
    await (await command.load()).default(rest)
    return 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`umbra ${name}: ${message}`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
