import { spawn, spawnSync } from 'node:child_process'
import { chownSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NPM_START_NODE_ARGS } from './support/npm-start.ts'
import { eventually } from './support/test-app.ts'
import { freePort } from './faults/fault-harness.ts'
import { removedAfterAll } from './support/temp-dirs.ts'

// Docker is not available where these tests run: what can be checked without it is checked here, the
// image's own start and health commands included, run as an unprivileged user on the embedded default.
const ROOT = fileURLToPath(new URL('../', import.meta.url))
// Continuation lines joined: one instruction a line.
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '')
const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')
const instruction = (name: string) => [...dockerfile.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((m) => m[1])
const execForm = (text: string): string[] => JSON.parse(text.slice(text.indexOf('[')))

const dirs = removedAfterAll()

describe('the Dockerfile', () => {
  it('builds in stages, installs at build time, runs unprivileged under tini, and checks /readyz', () => {
    expect(instruction('FROM').length).toBeGreaterThanOrEqual(2)
    expect(instruction('RUN').some((r) => r.includes('npm ci'))).toBe(true)
    expect(instruction('USER').at(-1)).toMatch(/^(?!root|0\b)\w+/)
    expect(execForm(instruction('ENTRYPOINT')[0])).toEqual(['/usr/bin/tini', '--'])
    expect(instruction('RUN').some((r) => r.includes('install') && r.includes('tini'))).toBe(true)
    expect(instruction('HEALTHCHECK')[0]).toContain('/readyz')
  })

  it('starts the server exactly as npm start does', () => {
    expect(execForm(instruction('CMD')[0])).toEqual(['node', ...NPM_START_NODE_ARGS, 'src/server.ts'])
  })

  it('its start command serves, passes its health check, and stops on SIGTERM, as an unprivileged user', async () => {
    const env = Object.fromEntries(
      instruction('ENV')[0]
        .split(/\s+/)
        .map((kv) => kv.split('=')),
    )
    // As root, run as nobody, unprivileged as the image's `node` user is.
    const user: { uid?: number; gid?: number } = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    const dataDir = mkdtempSync(join(tmpdir(), 'umbra-image-'))
    dirs.push(dataDir)
    if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid!)
    const port = String(await freePort())
    const runEnv = { PATH: process.env.PATH!, ...env, DATA_DIR: dataDir, PORT: port, HOME: dataDir }
    const [cmd, ...args] = execForm(instruction('CMD')[0])
    const server = spawn(cmd === 'node' ? process.execPath : cmd, args, {
      cwd: ROOT,
      env: runEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    })
    let output = ''
    server.stdout.on('data', (d) => (output += d))
    server.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
    try {
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
      ).catch((err) => {
        throw new Error(`${err.message}:\n${output}`)
      })
      const [checkCmd, ...checkArgs] = execForm(
        instruction('HEALTHCHECK')[0].slice(instruction('HEALTHCHECK')[0].indexOf('CMD ') + 4),
      )
      const check = () =>
        spawnSync(checkCmd === 'node' ? process.execPath : checkCmd, checkArgs, { env: runEnv, ...user }).status
      expect(await eventually(async () => check() === 0, 10_000)).toBe(true)
    } finally {
      server.kill('SIGTERM')
    }
    expect(await exited, output).toBe(0)
  }, 120_000)
})

describe('docker-compose.yml', () => {
  it('runs the built image with a restart policy, Postgres with its health check, and named volumes only', () => {
    expect(compose).toMatch(/^ {4}build: \.$/m)
    expect(compose.match(/^ {4}restart: unless-stopped$/gm)).toHaveLength(2)
    expect(compose).toMatch(/pg_isready/)
    expect(compose).toMatch(/condition: service_healthy/)
    // Every volume is a named one (name:path), never the source tree or another host path.
    const mounts = [...compose.matchAll(/^ {6}- (\S+):(\/\S*)$/gm)].map((m) => m[1])
    expect(mounts.length).toBeGreaterThan(0)
    expect(mounts.every((source) => /^[a-z][\w-]*$/.test(source))).toBe(true)
    expect(compose).not.toMatch(/npm (ci|install)|command:/)
  })
})
