// autocannon with a fresh id in place of every `[<id>]` of the body, each request (the CLI's -I sends a
// Content-Length that does not match its ids). Prints autocannon's JSON result, like `autocannon -j`.
import autocannon from 'autocannon'

const o = JSON.parse(process.argv[2] ?? '{}') as {
  url: string
  connections: number
  durationS?: number
  amount?: number
  method?: string
  headers?: Record<string, string>
  body: string
}
// Distinct across runs of one bench too: the run's start time, then a counter.
const run = Date.now().toString(36)
let sent = 0
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.durationS,
  amount: o.amount,
  method: o.method as 'POST',
  headers: o.headers,
  requests: [
    { setupRequest: (req) => ({ ...req, body: o.body.replaceAll('[<id>]', `${run}${(sent++).toString(36)}`) }) },
  ],
})
process.stdout.write(JSON.stringify(result))
