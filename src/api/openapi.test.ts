import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../test/support/test-app.ts'

type Media = { schema: { $ref?: string; examples?: unknown[] }; example?: unknown; examples?: unknown }
type Operation = {
  summary?: string
  tags?: string[]
  security?: unknown[]
  parameters?: unknown[]
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { content?: Record<string, Media> }>
}
type Document = {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}

let t: TestApp
let doc: Document
beforeAll(async () => {
  t = await startTestApp()
  doc = (await t.app.inject({ url: '/docs/json' })).json()
})
afterAll(() => t.close())

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  )
const hasExample = (m: Media | undefined) =>
  m !== undefined && (m.example !== undefined || m.examples !== undefined || !!m.schema.examples?.length)
const isProblem = (r: Operation['responses'][string] | undefined) =>
  r?.content?.['application/problem+json']?.schema?.$ref === '#/components/schemas/Problem'
// Routes owned elsewhere that have not added examples yet; listed so the gap is visible, not hidden.
const EXAMPLES_PENDING = new Set<string>([])

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a Problem schema and every API route in it', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.schemas.Problem).toBeDefined()
    const documented = new Set(operations().map((o) => o.name.replace(/\{(\w+)\}/g, ':$1')))
    // HEAD mirrors GET; an OPTIONS route is a CORS preflight, not an operation.
    const served = t.app.routeScopes
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.url}`)
    expect(served.filter((r) => !documented.has(r))).toEqual([])
  })

  it('gives every operation a summary and a tag', () => {
    expect(
      operations()
        .filter(({ op }) => !op.summary || !op.tags?.length)
        .map((o) => o.name),
    ).toEqual([])
  })

  it('documents the problems each operation can answer as application/problem+json', () => {
    const missing: string[] = []
    for (const { name, op } of operations()) {
      const expected = op.security?.length === 0 ? [] : ['401', '403', '429', '503']
      if (op.requestBody) expected.push('400', '413', '415')
      if (op.parameters?.length) expected.push('400')
      for (const status of expected) if (!isProblem(op.responses[status])) missing.push(`${name} ${status}`)
    }
    expect(missing).toEqual([])
  })

  it('gives every request body an example, and our own routes response examples', () => {
    const missing: string[] = []
    for (const { name, op } of operations()) {
      if (EXAMPLES_PENDING.has(name)) {
        console.warn(`OpenAPI: ${name} has no request example yet (owned by another feature)`)
        continue
      }
      const body = op.requestBody?.content['application/json']
      if (body && !hasExample(body)) missing.push(`${name} request body`)
      if (
        !/^(POST|GET|PATCH) \/api\/v1\/(keys|links)(\/\{\w+\})?$/.test(name) ||
        name === 'GET /api/v1/keys' ||
        name === 'GET /api/v1/links'
      )
        continue
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'))
      if (!hasExample(ok?.[1].content?.['application/json'])) missing.push(`${name} response`)
    }
    expect(missing).toEqual([])
  })

  it('serves the UI at /docs with helmet headers, and not on the API', async () => {
    const ui = await t.app.inject({ url: '/docs' })
    expect(ui.statusCode).toBe(200)
    expect(ui.headers['content-type']).toContain('text/html')
    expect(ui.headers['content-security-policy']).toContain("default-src 'self'")
    expect(ui.headers['x-content-type-options']).toBe('nosniff')
    const api = await t.app.inject({ url: '/api/v1/links' })
    expect(api.headers['content-security-policy']).toBeUndefined()
  })
})
