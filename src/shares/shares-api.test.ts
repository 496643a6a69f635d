import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../api/create-api-key.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { DEFAULT_KIT_CHANNELS } from './channels.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_API_WRITES: '100000' })
})
afterAll(() => t.close())

type Kit = {
  content: { id: string; url: string; title: string | null; topics: string[]; campaign: string | null }
  links: { channel: string; code: string; shortUrl: string; shareUrl: string; url: string }[]
}

const unique = (p: string) => `${p}${Math.random().toString(36).slice(2, 10)}`
const pageUrl = () => `https://news.example.com/${unique('article-')}`
const postKit = (body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/shares',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  })
const codes = (kit: Kit) => Object.fromEntries(kit.links.map((l) => [l.channel, l.code]))
async function kitTables(url: string) {
  const { rows } = await t.app.pg.query(
    `select (select count(*) from contents where url = $1)::int as contents,
            (select count(*) from links l join contents c on c.id = l.content_id where c.url = $1)::int as links`,
    [url],
  )
  return rows[0] as { contents: number; links: number }
}

describe('POST /api/v1/shares', () => {
  it('turns a page into one link per default channel, with share intents', async () => {
    const url = pageUrl()
    const res = await postKit({ url, title: 'Rock & Roll #1 🌍', topics: ['Climate'], campaign: 'spring' })
    expect(res.statusCode).toBe(201)
    const kit = res.json() as Kit
    expect(kit.content).toMatchObject({ url, title: 'Rock & Roll #1 🌍', topics: ['climate'], campaign: 'spring' })
    expect(kit.links.map((l) => l.channel)).toEqual(DEFAULT_KIT_CHANNELS)
    const whatsapp = kit.links.find((l) => l.channel === 'whatsapp')!
    expect(whatsapp.shortUrl).toBe(`http://umbra.test/${whatsapp.code}`)
    expect(whatsapp.url).toBe(url) // UTM tagging is off by default
    expect(whatsapp.shareUrl).toBe(
      `https://wa.me/?text=${encodeURIComponent(`Rock & Roll #1 🌍 ${whatsapp.shortUrl}`)}`,
    )
    const copy = kit.links.find((l) => l.channel === 'copy')!
    expect(copy.shareUrl).toBe(copy.shortUrl)

    const { rows } = await t.app.pg.query(
      'select channel, topics, campaign, title, content_id from links where content_id = $1 order by id',
      [kit.content.id],
    )
    expect(rows).toHaveLength(DEFAULT_KIT_CHANNELS.length)
    for (const r of rows)
      expect(r).toMatchObject({
        topics: ['climate'],
        campaign: 'spring',
        title: 'Rock & Roll #1 🌍',
        content_id: kit.content.id,
      })

    const link = await t.app.inject({ url: `/api/v1/links/${whatsapp.code}`, headers: auth })
    expect(link.json()).toMatchObject({ channel: 'whatsapp', contentId: kit.content.id })

    const redirect = await t.app.inject({ url: `/${whatsapp.code}` })
    expect(redirect.statusCode).toBe(302)
    // The page tag reads (and removes) the marker: this arrival came through the short link.
    expect(redirect.headers.location).toBe(`${url}#umb=${whatsapp.code}`)
  })

  it('answers the same URL again with 200 and the same links, and adds only missing channels', async () => {
    const url = pageUrl()
    const first = (await postKit({ url, channels: ['whatsapp', 'email'] })).json() as Kit
    const again = await postKit({ url, channels: ['whatsapp', 'email'] })
    expect(again.statusCode).toBe(200)
    expect(codes(again.json())).toEqual(codes(first))

    const more = await postKit({ url, channels: ['email', 'x', 'qr'] })
    expect(more.statusCode).toBe(201)
    const moreKit = more.json() as Kit
    // The named channels first, then the rest of the kit: the answer is always the whole kit.
    expect(moreKit.links.map((l) => l.channel)).toEqual(['email', 'x', 'qr', 'whatsapp'])
    expect(codes(moreKit).email).toBe(codes(first).email)
    expect(moreKit.links.find((l) => l.channel === 'qr')!.shareUrl).toBe(
      `http://umbra.test/api/v1/links/${codes(moreKit).qr}/qr.svg`,
    )
    expect(await kitTables(url)).toEqual({ contents: 1, links: 4 })

    const fewer = await postKit({ url, channels: ['x'] })
    expect(fewer.statusCode).toBe(200)
    expect((fewer.json() as Kit).links.map((l) => l.channel)).toEqual(['x', 'whatsapp', 'email', 'qr'])

    const read = await t.app.inject({ url: `/api/v1/shares/${first.content.id}`, headers: auth })
    expect(read.statusCode).toBe(200)
    expect((read.json() as Kit).links.map((l) => l.channel)).toEqual(['whatsapp', 'email', 'x', 'qr'])
  })

  it('keeps the first call’s title and topics: republishing never changes links already shared', async () => {
    const url = pageUrl()
    const first = (await postKit({ url, title: 'First', topics: ['a'], channels: ['sms'] })).json() as Kit
    const second = (await postKit({ url, title: 'Second', topics: ['b'], channels: ['sms', 'line'] })).json() as Kit
    expect(second.content).toEqual(first.content)
    expect(second.links[1].shareUrl).toContain(encodeURIComponent('First'))
  })

  it('pages lists of kits up to 200 a page, like every list', async () => {
    expect((await t.app.inject({ url: '/api/v1/shares?limit=200', headers: auth })).statusCode).toBe(200)
    const tooMany = await t.app.inject({ url: '/api/v1/shares?limit=201', headers: auth })
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.json().errors[0].field).toBe('limit')
  })

  it('makes a new kit for another query string or trailing slash, not for host case or a default port', async () => {
    const path = unique('v-')
    const base = (await postKit({ url: `https://news.example.com/${path}`, channels: ['copy'] })).json() as Kit
    for (const variant of [`https://news.example.com/${path}/`, `https://news.example.com/${path}?ref=x`])
      expect((await postKit({ url: variant, channels: ['copy'] })).json().content.id).not.toBe(base.content.id)
    expect((await postKit({ url: `https://NEWS.example.com:443/${path}`, channels: ['copy'] })).json().content.id).toBe(
      base.content.id,
    )
  })

  it('treats URLs that normalise alike as one page', async () => {
    const path = unique('p-')
    const a = (await postKit({ url: `https://NEWS.example.com/${path}`, channels: ['copy'] })).json() as Kit
    const b = await postKit({ url: `https://news.example.com:443/${path}`, channels: ['copy'] })
    expect(b.statusCode).toBe(200)
    expect(codes(b.json())).toEqual(codes(a))
  })

  it('makes exactly one kit when 10 identical calls race', async () => {
    const url = pageUrl()
    const body = { url, title: 'Race', topics: ['race'], channels: ['whatsapp', 'messenger', 'email', 'x', 'copy'] }
    const responses = await Promise.all(Array.from({ length: 10 }, () => postKit(body)))
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201])
    const kits = responses.map((r) => r.json() as Kit)
    for (const kit of kits) expect(codes(kit)).toEqual(codes(kits[0]))
    expect(await kitTables(url)).toEqual({ contents: 1, links: 5 })
  })

  it('makes the union of channels, once each, when calls for different channels race', async () => {
    const url = pageUrl()
    const sets = [['whatsapp', 'email'], ['email', 'x'], ['x', 'whatsapp', 'sms'], ['copy'], ['sms', 'copy', 'email']]
    const kits = (await Promise.all([...sets, ...sets].map((channels) => postKit({ url, channels })))).map(
      (r) => r.json() as Kit,
    )
    const byChannel = new Map<string, Set<string>>()
    for (const l of kits.flatMap((k) => k.links))
      byChannel.set(l.channel, (byChannel.get(l.channel) ?? new Set()).add(l.code))
    expect([...byChannel.keys()].sort()).toEqual(['copy', 'email', 'sms', 'whatsapp', 'x'])
    for (const set of byChannel.values()) expect(set.size).toBe(1)
    expect(await kitTables(url)).toEqual({ contents: 1, links: 5 })
  })

  it('tags each channel link with UTM parameters when asked, never duplicating the page’s own', async () => {
    const url = `${pageUrl()}?ref=home&utm_campaign=own`
    const kit = (
      await postKit({ url, campaign: 'spring', channels: ['whatsapp', 'x', 'newsletter'], utm: true })
    ).json() as Kit
    const targets = Object.fromEntries(kit.links.map((l) => [l.channel, new URL(l.url).searchParams]))
    expect(targets.whatsapp.getAll('utm_source')).toEqual(['whatsapp'])
    expect(targets.whatsapp.getAll('utm_medium')).toEqual(['messaging'])
    expect(targets.x.getAll('utm_medium')).toEqual(['social'])
    expect(targets.newsletter.getAll('utm_medium')).toEqual(['email'])
    for (const params of Object.values(targets)) {
      expect(params.getAll('utm_campaign')).toEqual(['own'])
      expect(params.get('ref')).toBe('home')
    }
    expect(kit.content.url).toBe(url) // the page stays untagged; only its links carry the tags

    const custom = (
      await postKit({ url: pageUrl(), channels: ['email'], utm: { medium: 'share-kit', campaign: 'autumn' } })
    ).json() as Kit
    expect(new URL(custom.links[0].url).search).toBe('?utm_source=email&utm_medium=share-kit&utm_campaign=autumn')
  })

  it('retires a disabled link: the next call mints a new one for its channel', async () => {
    const url = pageUrl()
    const first = (await postKit({ url, channels: ['whatsapp', 'email'] })).json() as Kit
    const old = codes(first).whatsapp
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${old}`, headers: auth })).statusCode).toBe(204)
    const read = (await t.app.inject({ url: `/api/v1/shares/${first.content.id}`, headers: auth })).json() as Kit
    expect(read.links.map((l) => l.channel)).toEqual(['email'])

    const again = await postKit({ url, channels: ['whatsapp', 'email'] })
    expect(again.statusCode).toBe(201)
    expect(codes(again.json()).whatsapp).not.toBe(old)
    expect(codes(again.json()).email).toBe(codes(first).email)

    // Bringing the old link back would give the kit two live WhatsApp links.
    const revive = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${old}`,
      headers: auth,
      payload: { disabled: false },
    })
    expect(revive.statusCode).toBe(409)
    expect(revive.json().errors[0].field).toBe('channel')
    const recast = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${codes(first).email}`,
      headers: auth,
      payload: { channel: 'whatsapp' },
    })
    expect(recast.statusCode).toBe(409)
  })

  it('refuses bad input with a problem naming the field and makes nothing', async () => {
    const url = pageUrl()
    for (const [body, field] of [
      [{ url, channels: ['myspace'] }, 'channels.0'],
      [{ url, channels: [] }, 'channels'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: 'http://umbra.test/abc' }, 'url'],
      [{ url, utm: 'yes' }, 'utm'],
      [{ url, colour: 'red' }, 'colour'],
    ] as const) {
      const res = await postKit(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect(await kitTables(url)).toEqual({ contents: 0, links: 0 })
  })
})

describe('PATCH /api/v1/shares/:id', () => {
  const patchKit = (id: string, body: unknown, headers: Record<string, string> = auth) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/shares/${id}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })

  it('retags a kit: the content and every link of it, disabled ones too, so reports follow', async () => {
    const url = pageUrl()
    const kit = (
      await postKit({
        url,
        title: 'Heatwave',
        topics: ['climate'],
        campaign: 'summer',
        channels: ['whatsapp', 'email', 'x'],
      })
    ).json() as Kit
    const disabled = codes(kit).x
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${disabled}`, headers: auth })).statusCode).toBe(
      204,
    )

    const res = await patchKit(kit.content.id, { title: 'Heatwave, explained', topics: ['Climate', 'health'] })
    expect(res.statusCode).toBe(200)
    const changed = res.json() as Kit
    expect(changed.content).toMatchObject({
      id: kit.content.id,
      url,
      title: 'Heatwave, explained',
      topics: ['climate', 'health'],
      campaign: 'summer',
    })
    expect(changed.links.map((l) => l.channel)).toEqual(['whatsapp', 'email'])
    expect(changed.links.find((l) => l.channel === 'whatsapp')!.shareUrl).toContain(
      encodeURIComponent('Heatwave, explained'),
    )
    const { rows } = await t.app.pg.query(
      'select code, title, topics, campaign from links where content_id = $1 order by id',
      [kit.content.id],
    )
    expect(rows).toEqual(
      kit.links.map((l) => ({
        code: l.code,
        title: 'Heatwave, explained',
        topics: ['climate', 'health'],
        campaign: 'summer',
      })),
    )
    expect(rows.map((r) => r.code)).toContain(disabled)

    // Fields not named are kept; null clears a title or campaign.
    const cleared = (await patchKit(kit.content.id, { campaign: null })).json() as Kit
    expect(cleared.content).toMatchObject({
      title: 'Heatwave, explained',
      topics: ['climate', 'health'],
      campaign: null,
    })
    const byTopic = (await t.app.inject({ url: '/api/v1/links?topic=health&limit=200', headers: auth })).json()
    expect(byTopic.items.map((l: { code: string }) => l.code)).toEqual(
      expect.arrayContaining([codes(kit).whatsapp, codes(kit).email]),
    )
  })

  it('refuses bad input with a problem naming the field, and changes nothing', async () => {
    const kit = (await postKit({ url: pageUrl(), title: 'Kept', topics: ['kept'], channels: ['email'] })).json() as Kit
    const cases: [unknown, number, string][] = [
      [{}, 400, 'body'],
      [{ owner: 'x' }, 400, 'owner'],
      [{ topics: 'climate' }, 400, 'topics'],
      [{ title: 'a\u0000' }, 400, 'title'],
      [{ url: 'https://example.com/elsewhere' }, 400, 'url'],
    ]
    for (const [body, status, field] of cases) {
      const res = await patchKit(kit.content.id, body)
      expect({ body, status: res.statusCode, type: res.headers['content-type'] }).toEqual({
        body,
        status,
        type: 'application/problem+json; charset=utf-8',
      })
      expect(JSON.stringify(res.json().errors ?? res.json().detail)).toContain(field)
    }
    expect((await patchKit('999999999', { title: 'x' })).statusCode).toBe(404)
    expect((await patchKit('abc', { title: 'x' })).statusCode).toBe(400)
    const { rows } = await t.app.pg.query('select title, topics from links where content_id = $1', [kit.content.id])
    expect(rows).toEqual([{ title: 'Kept', topics: ['kept'] }])
  })
})

describe('Idempotency-Key', () => {
  it('replays the first answer for a retried request, even when retries race', async () => {
    const key = unique('publish-')
    const body = { url: pageUrl(), channels: ['whatsapp', 'copy'] }
    const responses = await Promise.all(Array.from({ length: 5 }, () => postKit(body, { 'idempotency-key': key })))
    // Every retry of the request that created the kit hears what the first heard: 201.
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201])
    for (const r of responses) expect(codes(r.json())).toEqual(codes(responses[0].json()))
    // Without the key the same URL is simply already there.
    expect((await postKit(body)).statusCode).toBe(200)
  })

  it('refuses a key reused with a different request (422)', async () => {
    const key = unique('publish-')
    expect((await postKit({ url: pageUrl() }, { 'idempotency-key': key })).statusCode).toBe(201)
    const reused = await postKit({ url: pageUrl() }, { 'idempotency-key': key })
    expect(reused.statusCode).toBe(422)
    expect(reused.json().errors[0].field).toBe('Idempotency-Key')
  })
})

describe('GET /api/v1/shares', () => {
  it('lists kits newest first by topic and campaign, with a cursor', async () => {
    const topic = unique('t')
    const ids: string[] = []
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          (
            await postKit({ url: pageUrl(), topics: [topic], campaign: i === 1 ? 'c1' : undefined, channels: ['copy'] })
          ).json() as Kit
        ).content.id,
      )
    const page1 = await t.app.inject({ url: `/api/v1/shares?topic=${topic}&limit=2`, headers: auth })
    expect(page1.json().items.map((k: Kit) => k.content.id)).toEqual([ids[2], ids[1]])
    expect(page1.json().items[0].links.map((l: { channel: string }) => l.channel)).toEqual(['copy'])
    const page2 = await t.app.inject({
      url: `/api/v1/shares?topic=${topic}&limit=2&cursor=${page1.json().nextCursor}`,
      headers: auth,
    })
    expect(page2.json()).toMatchObject({ items: [{ content: { id: ids[0] } }], nextCursor: null })
    const byCampaign = await t.app.inject({ url: `/api/v1/shares?topic=${topic}&campaign=c1`, headers: auth })
    expect(byCampaign.json().items.map((k: Kit) => k.content.id)).toEqual([ids[1]])
  })

  it('answers 404 for an unknown kit and 401 without a key', async () => {
    expect((await t.app.inject({ url: '/api/v1/shares/999999999', headers: auth })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/api/v1/shares' })).statusCode).toBe(401)
  })
})

describe('publishable keys (pk_…) on POST /api/v1/shares: refused', () => {
  const origin = 'https://www.example.com'
  let pk: Record<string, string>
  beforeAll(async () => {
    const { secret } = await createApiKey(t.app.pg, { kind: 'publishable', name: 'site widget', origins: [origin] })
    expect(secret).toMatch(/^pk_/)
    pk = { authorization: `Bearer ${secret}` }
  })

  // Anyone can call with a key from page source: it reaches the widget route's policy only, never this route's campaign, UTM or Idempotency-Key.
  it.each([
    { name: 'its own page, from its own origin', url: `${origin}/a-${Math.random()}`, from: origin },
    {
      name: 'its own page, with campaign, UTM and an Idempotency-Key',
      url: `${origin}/b-${Math.random()}`,
      from: origin,
      campaign: 'phish',
      utm: true,
      idempotencyKey: 'k1',
    },
    { name: 'a page of another site', url: `https://other.example.net/a`, from: origin },
    { name: 'from no page at all (no Origin)', url: `${origin}/c`, from: undefined },
  ])('$name → 403, nothing minted', async ({ url, from, campaign, utm, idempotencyKey }) => {
    const res = await postKit(
      { url, channels: ['copy'], ...(campaign ? { campaign, utm } : {}) },
      {
        ...pk,
        ...(from ? { origin: from } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
    )
    expect(res.statusCode).toBe(403)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().detail).toMatch(/share widget route/)
    expect(await kitTables(url)).toEqual({ contents: 0, links: 0 })
  })

  it('cannot read kits', async () => {
    expect((await t.app.inject({ url: '/api/v1/shares', headers: { ...pk, origin } })).statusCode).toBe(403)
  })
})

describe('QR codes', () => {
  it('draws the short URL as SVG and PNG behind links:read', async () => {
    const kit = (await postKit({ url: pageUrl(), channels: ['qr'] })).json() as Kit
    const code = kit.links[0].code
    const svg = await t.app.inject({ url: `/api/v1/links/${code}/qr.svg`, headers: auth })
    expect(svg.statusCode).toBe(200)
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8')
    expect(svg.body).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/)
    const QRCode = (await import('qrcode')).default
    expect(svg.body).toBe(
      await QRCode.toString(`http://umbra.test/${code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    )

    const png = await t.app.inject({ url: `/api/v1/links/${code}/qr.png?size=256`, headers: auth })
    expect(png.statusCode).toBe(200)
    expect(png.headers['content-type']).toBe('image/png')
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG')
    expect(png.rawPayload.readUInt32BE(16)).toBe(256) // IHDR width

    expect((await t.app.inject({ url: '/api/v1/links/nope-nope/qr.svg', headers: auth })).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/api/v1/links/${code}/qr.svg` })).statusCode).toBe(401)
    expect((await t.app.inject({ url: `/api/v1/links/${code}/qr.png?size=9`, headers: auth })).statusCode).toBe(400)
  })
})
