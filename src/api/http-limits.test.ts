import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

/** Limits Node's HTTP parser enforces before Fastify sees a request: still answered as problems. */
let t: TestApp
let port: number
beforeAll(async () => {
  t = await startTestApp({ MAX_HEADER_BYTES: '2048', BODY_LIMIT_BYTES: '4096' })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as { port: number }).port
})
afterAll(() => t.close())

/** Sends raw bytes and returns the raw response (the server closes the connection). */
function rawRequest(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let response = ''
    socket.on('data', (chunk) => (response += chunk))
    socket.on('close', () => resolve(response))
    socket.on('error', reject)
  })
}

describe('HTTP limits', () => {
  it('answers headers over MAX_HEADER_BYTES with a 431 problem', async () => {
    const res = await rawRequest(`GET /api/v1/links HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(4096)}\r\n\r\n`)
    expect(res).toMatch(/^HTTP\/1\.1 431 /)
    expect(res).toContain('content-type: application/problem+json')
    expect(JSON.parse(res.split('\r\n\r\n')[1])).toMatchObject({
      status: 431,
      type: 'https://umbra.dev/problems/headers-too-large',
    })
  })

  it('answers a malformed request line with a 400 problem', async () => {
    const res = await rawRequest('GARBAGE\r\n\r\n')
    expect(res).toMatch(/^HTTP\/1\.1 400 /)
    expect(res).toContain('content-type: application/problem+json')
  })

  it('answers a body over BODY_LIMIT_BYTES with a 413 problem, over a real connection', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/links`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com', title: 'x'.repeat(5000) }),
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })

  it('takes headers under the limit', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/links?limit=1`, {
      headers: { ...auth, 'x-padding': 'a'.repeat(1000) },
    })
    expect(res.status).toBe(200)
  })
})
