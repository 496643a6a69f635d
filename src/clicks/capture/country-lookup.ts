import { isIP } from 'node:net'
import { createRequire } from 'node:module'
import maxmind, { type Reader, type Response } from 'maxmind'

/**
 * The visitor's place as an IP database knows it: an ISO 3166-1 alpha-2 country, and when known the region (the
 * ISO 3166-2 subdivision code without its country, e.g. 'IDF') and the city's English name.
 */
export type Place = { country: string; region: string | null; city: string | null }

/**
 * Where a client address is: an in-memory read of the database, no I/O; null for addresses it does not know.
 * `cities`: the database knows cities (a City database), so a lookup is worth doing even when COUNTRY_HEADER
 * already named the country.
 */
export type PlaceLookup = ((ip: string) => Place | null) & { readonly cities?: boolean }

/** The open IP-to-country database bundled from npm (CC0 per its package; whois data CC BY 4.0, NRO). */
export const BUNDLED_COUNTRY_DB = createRequire(import.meta.url).resolve(
  '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
)

/**
 * The two record shapes read: ip-location-db's `{ country_code }` and MaxMind's GeoLite2/GeoIP2 City and Country
 * (`country.iso_code`, `subdivisions[0]`, `city.names.en`).
 */
type AnyRecord = Response & {
  country_code?: string
  country?: { iso_code?: string }
  registered_country?: { iso_code?: string }
  subdivisions?: { iso_code?: string; names?: { en?: string } }[]
  city?: { names?: { en?: string } }
}

const COUNTRY = /^[A-Z]{2}$/
// ISO 3166-2 subdivision codes are one to three letters or digits after the country.
const REGION = /^[A-Z0-9]{1,3}$/
/** Longest city name kept, in UTF-8 bytes (the click row reserves this much). */
export const MAX_CITY_BYTES = 80

/** A record as a Place; null without a country Umbra can store. */
export function placeOf(record: AnyRecord | null): Place | null {
  if (!record) return null
  const country = (
    record.country_code ??
    record.country?.iso_code ??
    record.registered_country?.iso_code
  )?.toUpperCase()
  if (!country || !COUNTRY.test(country)) return null
  const region = record.subdivisions?.[0]?.iso_code?.toUpperCase()
  const city = record.city?.names?.en
  return {
    country,
    region: region !== undefined && REGION.test(region) ? region : null,
    city: city && Buffer.byteLength(city) <= MAX_CITY_BYTES ? city : null,
  }
}

/** The lookup over an open reader: IPv4-mapped IPv6 addresses are read as IPv4; anything not an IP finds nothing. */
export function lookupIn(reader: Pick<Reader<AnyRecord>, 'get' | 'metadata'>): PlaceLookup {
  const lookup = (ip: string) => {
    const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip
    if (isIP(address) === 0) return null
    return placeOf(reader.get(address))
  }
  return Object.assign(lookup, { cities: /city/i.test(reader.metadata.databaseType) })
}

/**
 * Opens GEOIP_DB as configured: unset, the bundled country database; 'off', no lookup; else a MaxMind DB file
 * (a GeoLite2-City file gives region and city too). The whole file is read into memory once, at start.
 */
export async function openPlaceLookup(setting: string | undefined): Promise<PlaceLookup | null> {
  if (setting === 'off') return null
  const reader = await maxmind.open<AnyRecord>(setting ?? BUNDLED_COUNTRY_DB)
  return lookupIn(reader)
}
