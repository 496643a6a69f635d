// The reference: a bare Fastify server answering every GET /:code with the same 302, nothing else.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/:code', (_request, reply) =>
  reply.header('cache-control', 'private, no-store').redirect('https://example.com/article', 302),
)
// The beacons bench's reference: a text/plain POST (Fastify's own parser reads it) answered 204.
app.post('/beacon', (_request, reply) => reply.code(204).send())
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => void app.close().then(() => process.exit(0)))
