import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeMmdb } from './support/mmdb-writer.ts'
import { auth, eventually, startTestApp, testConfig, type TestApp } from './support/test-app.ts'

// A click's country from the bundled open IP database, read from the client address that TRUST_PROXY names,
// through the fast path and the route; COUNTRY_HEADER wins when the proxy sends it. The addresses are in
// blocks whose registry country has not changed in decades: Google's 8.8.8.0/24 (US), RENATER's 193.51.0.0/16
// (FR), JPNIC's 133.0.0.0/8 (JP).
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const US = '8.8.8.8'
const FR = '193.51.224.1'
const JP = '133.242.0.1'

type Started = { t: TestApp; base: string; code: string }
async function start(env: Record<string, string>): Promise<Started> {
  const t = await startTestApp(env)
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: auth,
    payload: { url: 'https://example.com/where' },
  })
  return { t, base, code: res.json().code }
}
const click = (s: Started, headers: Record<string, string>) =>
  fetch(`${s.base}/${s.code}`, { redirect: 'manual', headers: { 'user-agent': CHROME, ...headers } })
const byCountry = async (s: Started) =>
  (await s.t.app.inject({ url: `/api/v1/links/${s.code}/stats`, headers: auth })).json().byCountry

describe('country of a click', () => {
  let one: Started
  let listed: Started
  beforeAll(async () => {
    one = await start({ TRUST_PROXY: '1', COUNTRY_HEADER: 'cf-ipcountry' })
    listed = await start({ TRUST_PROXY: '127.0.0.1' })
  })
  afterAll(async () => {
    await one?.t.close()
    await listed?.t.close()
  })

  it('reads it from the address TRUST_PROXY=1 names, not what a client prepends; COUNTRY_HEADER wins', async () => {
    // The first click fills the cache through the route; the others take the fast path.
    for (const forwardedFor of [US, FR, `${US}, ${FR}`, JP, `${JP}, ${JP}`])
      expect((await click(one, { 'x-forwarded-for': forwardedFor })).status).toBe(302)
    expect((await click(one, { 'x-forwarded-for': US, 'cf-ipcountry': 'de' })).status).toBe(302)
    // Unknown to the database (a private address): counted, as 'unknown'.
    expect((await click(one, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(302)
    const expected = { US: 1, FR: 2, JP: 2, DE: 1, unknown: 1 }
    await eventually(async () => isDeepStrictEqual(await byCountry(one), expected), 5_000)
    expect(await byCountry(one)).toEqual(expected)
  })

  it('reports clicks by country over a topic, in JSON and CSV', async () => {
    const topic = `geo-${Date.now().toString(36)}`
    await one.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${one.code}`,
      headers: auth,
      payload: { topics: [topic] },
    })
    const report = async (format = '') =>
      one.t.app.inject({ url: `/api/v1/reports/countries?topic=${topic}${format}`, headers: auth })
    const answer = await report()
    expect(answer.statusCode, answer.body).toBe(200)
    expect(answer.json().countries).toEqual([
      { country: 'FR', clicks: 2 },
      { country: 'JP', clicks: 2 },
      { country: 'DE', clicks: 1 },
      { country: 'US', clicks: 1 },
      { country: 'unknown', clicks: 1 },
    ])
    const csv = await report('&format=csv')
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body.split('\r\n').slice(0, 3)).toEqual(['country,clicks', 'FR,2', 'JP,2'])
  })

  it('walks X-Forwarded-For past the trusted proxy addresses of TRUST_PROXY=127.0.0.1', async () => {
    for (const forwardedFor of [FR, `${US}, ${FR}`, `${FR}, ${US}`])
      expect((await click(listed, { 'x-forwarded-for': forwardedFor })).status).toBe(302)
    const expected = { FR: 2, US: 1 }
    await eventually(async () => isDeepStrictEqual(await byCountry(listed), expected), 5_000)
  })

  it('keeps no address: the clicks table has none of them', async () => {
    const { rows } = await one.t.app.pg.query(
      `select count(*)::int as n from labeled_clicks c
       where concat_ws(' ', c.*::text) ~ '(8\\.8\\.8\\.8|193\\.51\\.224\\.1|133\\.242\\.0\\.1)'`,
    )
    expect(rows[0].n).toBe(0)
  })
})

describe('GEOIP_DB: a MaxMind City file of your own instead of the bundled database', () => {
  let own: Started
  let header: Started
  const dir = mkdtempSync(join(tmpdir(), 'umbra-geoip-'))
  beforeAll(async () => {
    const file = join(dir, 'GeoLite2-City-test.mmdb')
    const city = (country: string, region: string | null, name: string) => ({
      country: { iso_code: country },
      ...(region && { subdivisions: [{ iso_code: region, names: { en: `${region} region` } }] }),
      city: { names: { en: name } },
    })
    writeFileSync(
      file,
      writeMmdb([
        { network: '203.0.113.0/24', record: city('BR', 'SP', 'São Paulo') },
        { network: '198.51.100.0/24', record: city('CA', 'QC', 'Montréal') },
        { network: '192.0.2.0/24', record: city('SG', null, 'Singapore') },
        { network: '100.64.0.0/16', record: { country: { iso_code: 'FR' } } },
      ]),
    )
    own = await start({ TRUST_PROXY: '1', GEOIP_DB: file })
    header = await start({ TRUST_PROXY: '1', GEOIP_DB: file, COUNTRY_HEADER: 'cf-ipcountry' })
  })
  afterAll(async () => {
    await own?.t.close()
    await header?.t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const stats = async (s: Started) =>
    (await s.t.app.inject({ url: `/api/v1/links/${s.code}/stats`, headers: auth })).json()

  it('reads country, region and city from that file only, for stats, reports and the export', async () => {
    for (const ip of ['203.0.113.9', '198.51.100.9', '198.51.100.10', '192.0.2.1', '100.64.0.1', US])
      expect((await click(own, { 'x-forwarded-for': ip })).status).toBe(302)
    await eventually(
      async () => isDeepStrictEqual(await byCountry(own), { BR: 1, CA: 2, SG: 1, FR: 1, unknown: 1 }),
      5_000,
    )
    // Only clicks whose city the database names are counted by city.
    expect((await stats(own)).byCity).toEqual({ 'BR/SP/São Paulo': 1, 'CA/QC/Montréal': 2, 'SG//Singapore': 1 })

    const report = async (query = '') => own.t.app.inject({ url: `/api/v1/reports/cities?${query}`, headers: auth })
    expect((await report()).json().cities).toEqual([
      { country: 'CA', region: 'QC', city: 'Montréal', clicks: 2 },
      { country: 'BR', region: 'SP', city: 'São Paulo', clicks: 1 },
      { country: 'SG', region: null, city: 'Singapore', clicks: 1 },
    ])
    expect((await report('country=br')).json().cities).toEqual([
      { country: 'BR', region: 'SP', city: 'São Paulo', clicks: 1 },
    ])
    const csv = await report('format=csv')
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body.split('\r\n')).toEqual([
      'country,region,city,clicks',
      'CA,QC,Montréal,2',
      'BR,SP,São Paulo,1',
      'SG,,Singapore,1',
      '',
    ])
    expect((await report('country=France')).statusCode).toBe(400)

    const exported = await own.t.app.inject({ url: `/api/v1/exports/clicks.csv?link=${own.code}`, headers: auth })
    const [head, ...lines] = exported.body.trim().split('\r\n')
    const column = (name: string) => head.split(',').indexOf(name)
    expect(column('region')).toBe(column('country') + 1)
    expect(column('city')).toBe(column('country') + 2)
    const places = lines
      .map((l) =>
        l
          .split(',')
          .slice(column('country'), column('city') + 1)
          .join('/'),
      )
      .sort()
    expect(places).toEqual(['//', 'BR/SP/São Paulo', 'CA/QC/Montréal', 'CA/QC/Montréal', 'FR//', 'SG//Singapore'])
  })

  it('keeps region and city beside the country COUNTRY_HEADER names only when the file agrees', async () => {
    const fromCanada = { 'x-forwarded-for': '198.51.100.9' }
    for (const country of ['CA', 'ca', 'US', '']) {
      const headers = country ? { ...fromCanada, 'cf-ipcountry': country } : fromCanada
      expect((await click(header, headers)).status).toBe(302)
    }
    await eventually(async () => isDeepStrictEqual(await byCountry(header), { CA: 3, US: 1 }), 5_000)
    expect((await stats(header)).byCity).toEqual({ 'CA/QC/Montréal': 3 })
  })

  it('refuses to start on a file that is not there, naming the setting', () => {
    expect(() => testConfig({ GEOIP_DB: join(dir, 'missing.mmdb') })).toThrow(/GEOIP_DB/)
  })
})
