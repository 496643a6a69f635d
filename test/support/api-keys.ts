import type { FastifyInstance } from 'fastify'
import { createApiKey, type ApiKeyRequest } from '../../src/api/create-api-key.ts'

export type TestKey = { id: string; secret: string; headers: { authorization: string } }

/**
 * A key made straight in the database (as `umbra keys create` does). `now` lets a test make a key that
 * has already expired: it is checked against that instant, then stored as given.
 */
export async function createTestKey(
  app: FastifyInstance,
  request: Partial<ApiKeyRequest> & { now?: number } = {},
): Promise<TestKey> {
  const { now, ...rest } = request
  const defaults: ApiKeyRequest =
    rest.kind === 'publishable'
      ? { kind: 'publishable', name: 'test' }
      : { kind: 'secret', name: 'test', scopes: ['links:read'] }
  const { row, secret } = await createApiKey(app.pg, { ...defaults, ...rest }, now)
  return { id: row.id, secret, headers: { authorization: `Bearer ${secret}` } }
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })
