const c = new AbortController()
const res = await fetch(
  'http://127.0.0.1:39411/api/v1/exports/clicks.csv?from=2025-01-01T00:00:00.000Z&to=2025-01-31T00:00:00.000Z',
  { headers: { authorization: 'Bearer bench-admin-key-0123456789abcdef' }, signal: c.signal },
)
setTimeout(() => c.abort(), Number(process.argv[2] ?? 2000))
let n = 0
try {
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) n += chunk.length
} catch (e) {
  console.log('aborted after', n, 'bytes')
}
