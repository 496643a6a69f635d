import { it } from 'vitest'
import { startTestApp } from './/support/test-app.ts'
it('lists', async () => {
  const t = await startTestApp()
  const doc = (await t.app.inject({ url: '/docs/json' })).json()
  for (const [p, ms] of Object.entries<any>(doc.paths)) for (const [m, op] of Object.entries<any>(ms)) console.log(m.toUpperCase(), p, Object.entries<any>(op.responses).map(([s, r]) => s + ':' + Object.keys(r.content ?? {}).join('|') + (r.description === 'Default Response' ? '(DEFAULT)' : '')).join(' '))
  await t.close()
})
