import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type pg from 'pg'

// Each click of a `click` delivery's body starts so (the body's own keys come first and differ).
const CLICK_START = Buffer.from('{"id":"')

/**
 * A webhook receiver answering 204 and counting the clicks delivered to it once per webhook-id (a repeat is
 * counted apart). It runs in the bench process, on the cores the server and the load generator use: so it
 * neither parses the JSON nor verifies the signature (the tests do both), it counts the clicks' openings.
 */
export async function startClickReceiver() {
  const seen = { deliveries: 0, clicks: 0, repeats: 0 }
  const ids = new Set<string>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const id = String(req.headers['webhook-id'])
      if (ids.has(id)) seen.repeats++
      else {
        ids.add(id)
        const body = Buffer.concat(chunks)
        let clicks = 0
        for (let i = body.indexOf(CLICK_START); i >= 0; i = body.indexOf(CLICK_START, i + CLICK_START.length)) clicks++
        seen.deliveries++
        seen.clicks += clicks
      }
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) }
}

/** Waits until no webhook delivery is pending (every recorded click event answered 2xx); the time it took. */
export async function waitForDeliveries(db: pg.Client, timeoutMs = 120_000): Promise<number> {
  const started = Date.now()
  for (;;) {
    const { rows } = await db.query(`select count(*)::int as n from webhook_deliveries where state = 'pending'`)
    if (rows[0].n === 0) return Date.now() - started
    if (Date.now() - started > timeoutMs) throw new Error(`${rows[0].n} webhook deliveries still pending`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The person clicks the recorded click events cover (each to be delivered once per webhook). */
export async function clicksInClickEvents(db: pg.Client): Promise<number> {
  // One scan of the clicks against all the events' id ranges (a join per event was a nested loop over them).
  const { rows } = await db.query(`
    select count(*)::int as n from clicks c
    join click_verdicts v on v.id = c.verdict_id and v.kind = 'human'
    where c.id <@ (select range_agg(int8range(click_first_id, click_last_id, '[]')) from webhook_events where type = 'click')`)
  return rows[0].n
}
