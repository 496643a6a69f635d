import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readCsv } from './csv-reader.ts'
import { ImportFormatError, type ImportFormat } from './import-record.ts'
import { PARSERS } from './parsers.ts'

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/import/${name}`, import.meta.url), 'utf8')
const pick = (format: ImportFormat, input: string) =>
  PARSERS[format](input).map(({ line, code, domain, url, title, tags, createdAt, expiresAt, clicks, refusal }) => ({
    line,
    code,
    domain,
    url,
    title,
    tags,
    createdAt,
    expiresAt,
    clicks,
    ...(refusal ? { refusal } : {}),
  }))

describe('readCsv', () => {
  it.each([
    [
      'plain rows, LF',
      'a,b\n1,2\n',
      [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['1', '2'] },
      ],
    ],
    [
      'CRLF and a BOM',
      '\uFEFFa,b\r\n1,2',
      [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['1', '2'] },
      ],
    ],
    ['quotes, doubled quotes and commas', 'x,"a ""b"", c"\n', [{ line: 1, cells: ['x', 'a "b", c'] }]],
    [
      'a line break inside quotes keeps the row on its first line',
      'h\n"one\ntwo"\nnext\n',
      [
        { line: 1, cells: ['h'] },
        { line: 2, cells: ['one\ntwo'] },
        { line: 4, cells: ['next'] },
      ],
    ],
    [
      'blank lines skipped, empty cells kept',
      'a,,c\n\n,\n',
      [
        { line: 1, cells: ['a', '', 'c'] },
        { line: 3, cells: ['', ''] },
      ],
    ],
  ])('%s', (_name, input, rows) => {
    expect(readCsv(input)).toEqual(rows)
  })

  it('refuses a quote that is never closed, naming its line', () => {
    expect(() => readCsv('a\n"open,\nstill open')).toThrow(/line 2: a quoted cell is never closed/)
  })
})

describe('each format reads its own export', () => {
  it.each<[string, ImportFormat, string, object[], number?]>([
    [
      'Bitly Links CSV: bitlink and its custom back-half, IDN target, "+0000" dates, "1,024" totals',
      'bitly',
      'bitly-links.csv',
      [
        {
          line: 2,
          code: '3xYz9Ab',
          domain: 'bit.ly',
          url: 'https://shop.example.com/spring?utm_source=bitly',
          title: 'Spring sale',
          tags: ['Spring', 'Sale'],
          createdAt: '2021-03-04T05:06:07+0000',
          clicks: '1234',
        },
        { line: 2, code: 'spring-sale', domain: 'bit.ly', clicks: null },
        {
          line: 3,
          code: '4Buch',
          domain: 'bit.ly',
          url: 'https://bücher.example/katalog',
          title: 'Bücher, Katalog',
          tags: ['#Books/2022'],
          clicks: '1,024',
        },
        { line: 4, code: 'api', title: 'API docs', tags: [], createdAt: null, clicks: null },
      ],
      12,
    ],
    [
      'Bitly API v4 bitlinks: custom_bitlinks on a branded domain, a link without long_url',
      'bitly',
      'bitly-bitlinks.json',
      [
        {
          line: 1,
          code: '2Abc3De',
          domain: 'bit.ly',
          url: 'https://example.com/launch',
          title: 'Launch post',
          tags: ['Launch', 'Product News'],
          createdAt: '2020-06-01T12:00:00+0000',
          expiresAt: null,
          clicks: null,
        },
        { line: 1, code: 'launch', domain: 'brand.example', url: 'https://example.com/launch' },
        { line: 2, code: 'guide', domain: 'brand.example', url: 'https://例え.jp/ドキュメント', title: null },
        { line: 3, code: 'noTarget', url: null },
        { line: 4, code: 'x' },
      ],
    ],
    [
      'Shlink REST JSON: visitsSummary or visitsCount, validUntil, domain from shortUrl',
      'shlink',
      'shlink-short-urls.json',
      [
        {
          line: 1,
          code: '12C18',
          domain: 'umbra.test',
          url: 'https://store.example.com/my-product',
          title: 'My product',
          tags: ['games', 'tech'],
          createdAt: '2016-08-21T13:22:20+00:00',
          expiresAt: '2099-01-01T00:00:00+00:00',
          clicks: 328,
        },
        { line: 2, code: 'old-promo', clicks: 12, expiresAt: '2018-01-01T00:00:00+00:00', title: null },
        { line: 3, code: 'elsewhere', domain: 'other.example' },
        { line: 4, code: 'blog/post' },
      ],
    ],
    [
      'Shlink web client CSV: tags joined by |',
      'shlink',
      'shlink-export.csv',
      [
        {
          line: 2,
          code: '12C18',
          domain: 'umbra.test',
          tags: ['games', 'tech'],
          clicks: '328',
          createdAt: '2016-08-21T13:22:20+00:00',
        },
        { line: 3, code: 'ünïcode', title: null, tags: [] },
        { line: 4, code: 'csv-only', title: 'Title, with comma', tags: ['a b', 'C++'], clicks: '17' },
      ],
    ],
    [
      'YOURLS yourls_url CSV: one-character codes, the ip column never read',
      'yourls',
      'yourls-url.csv',
      [
        {
          line: 2,
          code: '1',
          domain: null,
          url: 'https://example.org/first',
          title: 'First link ever',
          createdAt: '2009-10-01 08:00:00',
          clicks: '5012',
        },
        { line: 3, code: 'a', title: null, clicks: '12' },
        { line: 4, code: 'ozh', title: 'Ozh\'s "quoted" page' },
        { line: 5, code: 'index' },
        { line: 6, code: 'gone', url: 'ftp://example.org/file' },
        { line: 7, code: null, url: 'https://example.org/no-keyword' },
      ],
    ],
    [
      'YOURLS Import/Export plugin CSV: /keyword/ and hits',
      'yourls',
      'yourls-plugin.csv',
      [
        { line: 2, code: 'plug1', url: 'https://example.org/plugin-one', clicks: '40' },
        { line: 3, code: 'plug2', clicks: null },
      ],
    ],
    [
      'Kutt API v2: password-protected and banned links refused',
      'kutt',
      'kutt-links.json',
      [
        {
          line: 1,
          code: 'kt-docs',
          domain: 'umbra.test',
          url: 'https://docs.example.com/kutt',
          title: 'Kutt docs',
          createdAt: '2023-04-05T06:07:08.000Z',
          expiresAt: null,
          clicks: 99,
        },
        { line: 2, code: 'secret', refusal: expect.stringMatching(/password-protected/) },
        { line: 3, code: 'banned1', refusal: expect.stringMatching(/banned/) },
        { line: 4, code: 'soon', expiresAt: '2099-12-31T23:59:59.000Z', clicks: 0 },
        { line: 5, code: 'idn', url: 'https://xn--mnchen-3ya.example/' },
      ],
    ],
    [
      'generic CSV: missing code, url and fields',
      'csv',
      'links.csv',
      [
        {
          line: 2,
          code: 'csv-one',
          url: 'https://example.net/one',
          title: 'First',
          tags: ['news', 'Climate Change'],
          createdAt: '2024-01-15T10:00:00Z',
          expiresAt: '2099-06-30T00:00:00Z',
          clicks: '42',
        },
        { line: 3, code: 'csv-two', title: null, tags: [], createdAt: null, expiresAt: null, clicks: null },
        { line: 4, code: 'csv-three', url: 'https://münchen.example/drei' },
        { line: 5, code: null },
        { line: 6, code: 'csv four' },
        { line: 7, code: 'csv-five', url: null },
        { line: 8, code: 'csv-six', clicks: 'many' },
      ],
    ],
  ])('%s', (_name, format, file, expected, total = expected.length) => {
    const records = pick(format, fixture(file))
    expect(records).toHaveLength(total)
    expected.forEach((e, i) => {
      expect(records[i]).toMatchObject(e)
    })
  })

  it.each<[string, ImportFormat, string]>([
    [
      'Bitly API pages as a list',
      'bitly',
      JSON.stringify([
        { links: [{ link: 'https://bit.ly/p1', long_url: 'https://e.example/1' }] },
        { links: [{ id: 'bit.ly/p2', long_url: 'https://e.example/2' }] },
      ]),
    ],
    [
      'Shlink {data} without the shortUrls wrapper',
      'shlink',
      JSON.stringify({
        data: [
          { shortCode: 'p1', longUrl: 'https://e.example/1' },
          { shortCode: 'p2', longUrl: 'https://e.example/2' },
        ],
      }),
    ],
    [
      'YOURLS stats API answer',
      'yourls',
      JSON.stringify({
        links: {
          link_1: { shorturl: 'https://y.example/p1', url: 'https://e.example/1' },
          link_2: { shorturl: 'https://y.example/p2', url: 'https://e.example/2' },
        },
      }),
    ],
    [
      'YOURLS headerless table dump',
      'yourls',
      'p1,https://e.example/1,T,2010-01-01 00:00:00,127.0.0.1,3\np2,https://e.example/2,,2010-01-01 00:00:00,127.0.0.1,0\n',
    ],
    [
      'Kutt items of all pages as one list',
      'kutt',
      JSON.stringify([
        { address: 'p1', target: 'https://e.example/1' },
        { address: 'p2', target: 'https://e.example/2' },
      ]),
    ],
  ])('%s', (_name, format, input) => {
    expect(PARSERS[format](input).map((r) => [r.line, r.code, r.url])).toEqual([
      [1, 'p1', 'https://e.example/1'],
      [2, 'p2', 'https://e.example/2'],
    ])
  })

  it.each<[ImportFormat, string, RegExp]>([
    ['bitly', '{"links": 5}', /expected links to be a list/],
    ['bitly', 'Title,Long URL\nx,https://e.example', /short link column/],
    ['shlink', '{"shortUrls": {"data": [1]}}', /item 1: not an object/],
    ['shlink', '{not json', /not valid JSON/],
    ['shlink', 'code,url\nx,https://e.example', /shortCode and longUrl/],
    ['kutt', 'address,target\nx,https://e.example', /not valid JSON/],
    ['kutt', '{"links": []}', /expected data to be a list/],
    ['yourls', '{"total": 3}', /not a YOURLS export/],
    ['csv', 'slug,target\nx,https://e.example', /code and url columns/],
    ['csv', '', /the file is empty/],
  ])('%s refuses %j', (format, input, message) => {
    expect(() => PARSERS[format](input)).toThrow(ImportFormatError)
    expect(() => PARSERS[format](input)).toThrow(message)
  })
})
