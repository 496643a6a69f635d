import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { FastifyRequest, preParsingAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'

/**
 * A fast path: answers the request itself and returns true, or returns false before touching it (Fastify
 * then routes it as usual). A fast path that took the request may still give it to Fastify later with
 * `handOn` (after reading its body, for instance). Throwing counts as false.
 */
export type FastPath = {
  name: string
  serve: (req: IncomingMessage, res: ServerResponse) => boolean
  onError: (err: unknown) => void
}

export type AheadOfFastify = {
  /** Asks this fast path, after those added before it, about every request until the server closes. */
  add(path: FastPath): void
  /**
   * Gives Fastify a request a fast path took. `body`: the bytes it already read from the request, which
   * the route then reads in their place (its `preParsing: replayBody`), so its answer is the one it gives
   * when no fast path exists.
   */
  handOn(req: IncomingMessage, res: ServerResponse, body?: Buffer): void
  /** False once the server is closing: a fast path still finishing a request hands it on (Fastify answers 503). */
  isOpen(): boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    aheadOfFastify: AheadOfFastify
  }
}

const readBody = Symbol('body read ahead of Fastify')
type ReadAhead = IncomingMessage & { [readBody]?: Buffer }

/** A route's preParsing hook: the body a fast path read before handing the request on, else the request itself. */
export const replayBody: preParsingAsyncHookHandler = async (request: FastifyRequest, _reply, payload) => {
  const body = (request.raw as ReadAhead)[readBody]
  return body === undefined ? payload : Readable.from([body], { objectMode: false })
}

/**
 * The HTTP server's request listener, ahead of Fastify's: each fast path is asked in turn, and what none
 * takes goes to Fastify unchanged. Fast paths skip the router, request/reply objects, hooks and
 * per-request logger, which cost a few µs a request; they are for the hot, common answers only. Once the
 * server is closing every request goes to Fastify (which answers 503).
 */
export const aheadOfFastifyPlugin = fp(
  async (app) => {
    const server = app.server
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
    if (listeners.length !== 1) throw new Error(`expected Fastify's one request listener, found ${listeners.length}`)
    const fastify = listeners[0]
    const paths: FastPath[] = []
    let open = true
    app.addHook('preClose', async () => {
      open = false
    })

    function dispatch(req: IncomingMessage, res: ServerResponse) {
      if (open)
        for (let i = 0; i < paths.length; i++) {
          const path = paths[i]
          try {
            if (path.serve(req, res)) return
          } catch (err) {
            path.onError(err)
          }
        }
      fastify(req, res)
    }

    app.decorate('aheadOfFastify', {
      add(path: FastPath) {
        if (paths.length === 0) {
          server.removeListener('request', fastify)
          server.on('request', dispatch)
        }
        paths.push(path)
      },
      handOn(req: IncomingMessage, res: ServerResponse, body?: Buffer) {
        if (body !== undefined) (req as ReadAhead)[readBody] = body
        fastify(req, res)
      },
      isOpen: () => open,
    } satisfies AheadOfFastify)
  },
  { name: 'ahead-of-fastify' },
)
