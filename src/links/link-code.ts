import { customAlphabet } from 'nanoid'

// No 0/O, 1/l/I, 2/Z, 5/S look-alikes: codes get read aloud, typed from print and scanned by eye.
export const CODE_ALPHABET = '346789ABCDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrtwxyz'
export const RANDOM_CODE_LENGTH = 7
/** The characters any code may have (a regex class body), and its longest length: the redirect matches paths by them. */
export const CODE_CHARACTERS = 'A-Za-z0-9_-'
export const MAX_CODE_LENGTH = 64
export const CUSTOM_CODE = new RegExp(`^[${CODE_CHARACTERS}]{3,${MAX_CODE_LENGTH}}$`)

/** Paths the app serves itself, or may one day: never given out as codes. */
export const RESERVED_CODES = new Set([
  'api',
  'docs',
  'healthz',
  'readyz',
  'metrics',
  'dashboard',
  'widget',
  'widget.js',
  'static',
  'assets',
  'admin',
  'login',
  'logout',
  'signin',
  'signout',
  'favicon.ico',
  'robots.txt',
  'sitemap.xml',
  'well-known',
  '.well-known',
  'app',
  'www',
  'status',
  'health',
  'auth',
  'oauth',
  'account',
  'settings',
  'about',
  'help',
  'support',
  'terms',
  'privacy',
  'null',
  'undefined',
  'index',
  'shares',
  'links',
  'stats',
  'reports',
  'exports',
  'keys',
  'qr',
])

export const generateRandomCode: () => string = customAlphabet(CODE_ALPHABET, RANDOM_CODE_LENGTH)

/** Why a custom code cannot be used, or null when it can. */
export function customCodeProblem(code: string): string | null {
  if (!CUSTOM_CODE.test(code)) return 'must be 3 to 64 characters of A-Z, a-z, 0-9, _ and -'
  if (RESERVED_CODES.has(code.toLowerCase())) return `"${code}" is reserved`
  return null
}
