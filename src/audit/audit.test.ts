import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asPerson, createTestPerson, type TestPerson } from '../../test/support/people.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

let t: TestApp
let editor: TestPerson
const code = `audit-${Date.now().toString(36)}`
beforeAll(async () => {
  t = await startTestApp()
  editor = await createTestPerson(t.app, 'editor')
})
afterAll(() => t.close())

describe('the audit log', () => {
  it("records who created and changed a link, with the changed fields' before and after", async () => {
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: asPerson(editor.cookie),
      payload: { url: 'https://example.com/a', code, title: 'Sale' },
    })
    expect(create.statusCode).toBe(201)
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${code}`,
      headers: auth,
      payload: { title: 'Spring sale' },
    })
    expect(patch.statusCode).toBe(200)
    const history = await t.app.inject({ url: `/api/v1/history/link/${code}`, headers: { cookie: editor.cookie } })
    expect(history.json().items).toMatchObject([
      { actor: { kind: 'person', name: editor.email }, action: 'create', after: { code, title: 'Sale' } },
      {
        actor: { kind: 'admin', name: 'ADMIN_API_KEY' },
        action: 'update',
        before: { title: 'Sale' },
        after: { title: 'Spring sale' },
      },
    ])
  })

  it('a change refused leaves no entry (the entry is in the change’s transaction)', async () => {
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.com/b', code },
    })
    expect(again.statusCode).toBe(409)
    const { rows } = await t.app.pg.query(
      "select count(*)::int as n from audit_log where entity = 'link' and entity_id = $1",
      [code],
    )
    expect(rows[0].n).toBe(2)
  })

  it('is read by owners and admins only, filtered by actor, and exported as CSV', async () => {
    expect((await t.app.inject({ url: '/api/v1/audit', headers: { cookie: editor.cookie } })).statusCode).toBe(403)
    const admin = await createTestPerson(t.app, 'admin')
    const mine = await t.app.inject({
      url: `/api/v1/audit?actor=${encodeURIComponent(editor.email)}`,
      headers: { cookie: admin.cookie },
    })
    expect(mine.statusCode).toBe(200)
    expect(mine.json().items.map((e: { entityId: string; action: string }) => `${e.action} ${e.entityId}`)).toEqual([
      `create ${code}`,
    ])
    const csv = await t.app.inject({ url: `/api/v1/audit?entityId=${code}&format=csv`, headers: auth })
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const lines = csv.body.trim().split('\r\n')
    expect(lines[0]).toBe('id,at,actor_kind,actor_id,actor,entity,entity_id,action,before,after')
    expect(lines).toHaveLength(3)
  })

  it('is append-only: no route deletes it, and Postgres refuses updates and deletes', async () => {
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/audit', headers: auth })).statusCode).toBe(404)
    await expect(t.app.pg.query('delete from audit_log where entity_id = $1', [code])).rejects.toThrow(/append-only/)
    await expect(t.app.pg.query("update audit_log set actor_name = 'x' where entity_id = $1", [code])).rejects.toThrow(
      /append-only/,
    )
  })
})

describe('the audit log of an import', () => {
  it('records one entry naming the links an import created, in its transaction', async () => {
    const code = `audit-import-${Date.now().toString(36)}`
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports?format=csv',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: `code,url\n${code},https://example.com/imported\n`,
    })
    expect(res.statusCode).toBe(200)
    const { rows } = await t.app.pg.query(
      "select actor_kind, after from audit_log where entity = 'import' and after->'codes' ? $1",
      [code],
    )
    expect(rows).toEqual([{ actor_kind: 'admin', after: { format: 'csv', created: 1, codes: [code] } }])
  })
})
