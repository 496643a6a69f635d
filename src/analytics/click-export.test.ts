import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateClicks, recordClicks } from '../../test/support/click-dataset.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { clickCsvChunks } from './click-export.ts'

// The embedded database is one session: the export must never hold it between batches.
describe('click export on the embedded database', () => {
  let t: TestApp
  const from = '2025-05-01T00:00:00.000Z'
  const to = '2025-05-02T00:00:00.000Z'
  beforeAll(async () => {
    t = await startTestApp({}, 'embedded')
    const kit = await t.app.inject({ method: 'POST', url: '/api/v1/shares', headers: auth, payload: { url: 'https://example.com/embedded', topics: ['local'], channels: ['whatsapp', 'email'] } })
    const linkIds = (await t.app.pg.query('select id from links where content_id = $1', [kit.json().content.id])).rows.map((r) => r.id)
    await recordClicks(t.app, generateClicks({ linkIds, count: 300, fromMs: Date.parse(from), toMs: Date.parse(to), seed: 9 }))
  }, 120_000)
  afterAll(() => t?.close())

  it('streams every click over HTTP', async () => {
    const res = await t.app.inject({ url: `/api/v1/exports/clicks.csv?from=${from}&to=${to}&topic=local`, headers: auth })
    expect(res.statusCode).toBe(200)
    expect(res.body.trimEnd().split('\r\n')).toHaveLength(301)
  })

  it('lets other queries run between batches', async () => {
    let rows = 0
    for await (const chunk of clickCsvChunks(t.app.pg, { from: new Date(from), to: new Date(to) }, 25)) {
      rows += chunk.split('\r\n').length - 1
      // Would wait forever if the export held the single session while this consumer is busy.
      await t.app.pg.query('select 1')
    }
    expect(rows).toBe(301)
  })
})
