import { execFile } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const BIN = '/usr/lib/postgresql/15/bin'
const run = promisify(execFile)

// Postgres refuses to run as root: as root, the servers run as the postgres user (who owns the directory).
const asRoot = process.getuid?.() === 0
const POSTGRES_UID = 'postgres'

async function pg(tool: string, args: string[]) {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', POSTGRES_UID, '--', join(BIN, tool), ...args]]
    : [join(BIN, tool), args]
  return run(file, argv, { timeout: 60_000 })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A server of the cluster: its data directory, port and URL (database `umbra`). */
export type Node = { dir: string; port: number; url: string; start(): Promise<void>; stop(): Promise<void> }

function node(root: string, name: string, port: number): Node {
  const dir = join(root, name)
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    "-c listen_addresses='127.0.0.1'",
    '-c shared_buffers=16MB',
    '-c max_connections=40',
    '-c fsync=off',
    '-c wal_level=replica',
    '-c max_wal_senders=4',
    '-c hot_standby=on',
    '-c wal_receiver_status_interval=1s',
  ].join(' ')
  return {
    dir,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/umbra`,
    start: async () =>
      void (await pg('pg_ctl', ['-D', dir, '-o', options, '-l', join(root, `${name}.log`), '-w', 'start'])),
    // Immediate: the server goes away as a crash would, not after a clean checkpoint.
    stop: async () => void (await pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => {})),
  }
}

/**
 * A primary (initdb, a port of its own) and a streaming replica of it (pg_basebackup -R), in a temp dir,
 * from the Postgres 15 binaries; remove() stops both and deletes the directory.
 */
export async function startReplicatedCluster(): Promise<{ primary: Node; replica: Node; remove(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'umbra-replica-'))
  if (asRoot) chownSync(root, ...(await postgresIds()))
  const primary = node(root, 'primary', await freePort())
  const replica = node(root, 'replica', await freePort())
  try {
    await pg('initdb', ['-D', primary.dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
    await primary.start()
    await pg('psql', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-c', 'create database umbra'])
    await pg('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replica.dir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
    ])
    await replica.start()
  } catch (err) {
    await replica.stop()
    await primary.stop()
    rmSync(root, { recursive: true, force: true })
    throw err
  }
  return {
    primary,
    replica,
    remove: async () => {
      await replica.stop()
      await primary.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', [POSTGRES_UID])
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1])
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1])
  return [uid, gid]
}
