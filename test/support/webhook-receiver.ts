import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

type Fields = Record<string, string | null>
export type WebhookBody = {
  type: string
  timestamp: string
  data: Record<string, unknown> & { code?: string; clicks?: Fields[]; links?: Fields[] }
}
export type Received = { id: string; headers: IncomingHttpHeaders; raw: string; body: WebhookBody }

/**
 * A real HTTP endpoint for webhook deliveries: records every request; `mode` makes it answer 503 (down)
 * or never answer (hang). `overlaps` counts requests for a webhook-id that arrived while another request
 * for the same id was still open (two deliverers sending one event at once).
 */
export async function startWebhookReceiver() {
  const received: Received[] = []
  const open = new Map<string, number>()
  const state = { mode: 'up' as 'up' | 'down' | 'hang', overlaps: 0, holdMs: 0, hung: 0 }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const id = String(req.headers['webhook-id'])
      if (state.mode === 'hang') {
        state.hung++
        return
      }
      if (state.mode === 'down') {
        res.writeHead(503).end('down for maintenance')
        return
      }
      if ((open.get(id) ?? 0) > 0) state.overlaps++
      open.set(id, (open.get(id) ?? 0) + 1)
      const raw = Buffer.concat(chunks).toString('utf8')
      setTimeout(() => {
        open.set(id, (open.get(id) ?? 1) - 1)
        received.push({ id, headers: req.headers, raw, body: JSON.parse(raw) })
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok thanks')
      }, state.holdMs)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    received,
    state,
    /** Received deliveries deduplicated by webhook-id (what a receiver following the spec keeps). */
    unique: () => new Map(received.map((r) => [r.id, r])),
    ofType: (type: string) => received.filter((r) => r.body.type === type),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
