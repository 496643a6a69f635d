import { UAParser } from 'ua-parser-js'
import type { DeviceDescription } from './classification.ts'

// One parser reused for every call: setUA and the getters we need, never getResult (the engine and CPU
// regexes would be work thrown away).
const parser = new UAParser()

/** Operating systems that only run on desktops and laptops, so ua-parser-js's device pass can be skipped. */
const DESKTOP_OPERATING_SYSTEMS = new Set([
  'Windows',
  'Mac OS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Chrome OS',
  'Chromium OS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'Solaris',
  'Mint',
  'Arch',
  'Gentoo',
  'SUSE',
  'Red Hat',
  'CentOS',
])
/** …unless the user agent says it is a television, console, reader or headset running one of them. */
const NOT_A_DESKTOP =
  /TV|Tizen|Web0S|webOS|CrKey|Xbox|PlayStation|Nintendo|\bAFT|Roku|HbbTV|BRAVIA|NetCast|Viera|Kindle|Silk|Oculus|Quest|Touch|Tablet|Mobile|ARM;/i
const MOBILE_OPERATING_SYSTEMS = new Set([
  'Android',
  'HarmonyOS',
  'KaiOS',
  'Windows Phone',
  'BlackBerry',
  'Symbian',
  'Firefox OS',
  'Sailfish',
  'Tizen',
])

/**
 * Browser name, OS name and device type ('desktop' | 'mobile' | 'tablet' | 'smarttv' | 'console' |
 * 'wearable' | 'embedded' | 'xr' | 'unknown'), as ua-parser-js names them.
 * ua-parser-js's device pass is the costliest of its three; it runs only when the OS leaves the type open.
 */
export function describeDevice(ua: string): DeviceDescription {
  parser.setUA(ua)
  const browser = parser.getBrowser().name ?? 'unknown'
  const os = parser.getOS().name ?? 'unknown'
  return { browser, os, device: deviceType(os, ua) }
}

function deviceType(os: string, ua: string): string {
  if (os === 'iOS') return /\biPad\b/.test(ua) ? 'tablet' : 'mobile'
  if (DESKTOP_OPERATING_SYSTEMS.has(os) && !NOT_A_DESKTOP.test(ua)) return 'desktop'
  const parsed = parser.getDevice().type
  if (parsed) return parsed
  // ua-parser-js names no type for desktops; an unknown OS on a non-browser agent is not one.
  if (MOBILE_OPERATING_SYSTEMS.has(os)) return 'mobile'
  if (os === 'unknown' && !ua.startsWith('Mozilla/')) return 'unknown'
  return 'desktop'
}
