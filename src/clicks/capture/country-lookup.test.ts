import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeMmdb } from '../../../test/support/mmdb-writer.ts'
import { openPlaceLookup, placeOf } from './country-lookup.ts'

const dir = mkdtempSync(join(tmpdir(), 'umbra-geo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const city = (country: string, region: string, name: string) => ({
  country: { iso_code: country, names: { en: country } },
  subdivisions: [{ iso_code: region, names: { en: region } }],
  city: { geoname_id: 1, names: { en: name } },
})

describe('placeOf: the record shapes of the databases GEOIP_DB takes', () => {
  it.each([
    ['ip-location-db', { country_code: 'fr' }, { country: 'FR', region: null, city: null }],
    ['GeoLite2-Country', { country: { iso_code: 'JP' } }, { country: 'JP', region: null, city: null }],
    ['GeoLite2-City', city('BR', 'SP', 'São Paulo'), { country: 'BR', region: 'SP', city: 'São Paulo' }],
    [
      'registered country only',
      { registered_country: { iso_code: 'DE' } },
      { country: 'DE', region: null, city: null },
    ],
    ['no country', { city: { names: { en: 'Nowhere' } } }, null],
    ['not a country code', { country_code: 'EU1' }, null],
    ['no record', null, null],
  ])('%s', (_name, record, expected) => {
    expect(placeOf(record as never)).toEqual(expected)
  })
})

describe('a GeoLite2-City-format file of your own (GEOIP_DB)', () => {
  const file = join(dir, 'city.mmdb')
  writeFileSync(
    file,
    writeMmdb([
      { network: '203.0.113.0/24', record: city('BR', 'SP', 'São Paulo') },
      { network: '198.51.100.0/25', record: city('CA', 'QC', 'Montréal') },
    ]),
  )

  it('gives country, region and city of the networks it holds, and nothing for the rest', async () => {
    const lookup = (await openPlaceLookup(file))!
    expect(lookup('203.0.113.7')).toEqual({ country: 'BR', region: 'SP', city: 'São Paulo' })
    expect(lookup('::ffff:198.51.100.1')).toEqual({ country: 'CA', region: 'QC', city: 'Montréal' })
    expect(lookup('198.51.100.200')).toBeNull()
    expect(lookup('8.8.8.8')).toBeNull()
    expect(lookup('not an address')).toBeNull()
    expect(lookup('')).toBeNull()
  })

  it('is off when told so, and the bundled database answers when unset', async () => {
    expect(await openPlaceLookup('off')).toBeNull()
    const bundled = (await openPlaceLookup(undefined))!
    expect(bundled('8.8.8.8')?.country).toBe('US')
    expect(bundled('10.0.0.1')).toBeNull()
  })
})
