import { describe, expect, it } from 'vitest'
import { auth, eventually, realDatabaseUrl, startTestApp } from '../support/test-app.ts'

describe.skipIf(!realDatabaseUrl())('a link change reaches every instance sharing the database', () => {
  it('drops the changed link from the other instance’s cache (LISTEN/NOTIFY)', async () => {
    const a = await startTestApp()
    const b = await startTestApp()
    try {
      const created = await a.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/before', code: `inval-${Date.now().toString(36)}` },
      })
      expect(created.statusCode).toBe(201)
      const { code } = created.json() as { code: string }
      // B caches the link as it is now.
      expect((await b.app.inject(`/${code}`)).headers.location).toBe('https://example.com/before')

      const patched = await a.app.inject({
        method: 'PATCH',
        url: `/api/v1/links/${code}`,
        headers: auth,
        payload: { url: 'https://example.com/after' },
      })
      expect(patched.statusCode).toBe(200)
      await eventually(
        async () => (await b.app.inject(`/${code}`)).headers.location === 'https://example.com/after',
        3_000,
      )

      const disabled = await a.app.inject({ method: 'DELETE', url: `/api/v1/links/${code}`, headers: auth })
      expect(disabled.statusCode).toBe(204)
      await eventually(async () => (await b.app.inject(`/${code}`)).statusCode === 410, 3_000)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('forgets a cached "unknown" when another instance mints that code', async () => {
    const a = await startTestApp()
    const b = await startTestApp()
    try {
      const code = `late-${Date.now().toString(36)}`
      expect((await b.app.inject(`/${code}`)).statusCode).toBe(404)
      const created = await a.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/new', code },
      })
      expect(created.statusCode).toBe(201)
      await eventually(async () => (await b.app.inject(`/${code}`)).statusCode === 302, 3_000)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
