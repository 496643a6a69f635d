import type { FastifyPluginAsync } from 'fastify'
import type { ClassifierExtra } from '../clicks/classify/classifier-extra.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { classifyContextFor, createClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import { counterFrom } from '../infra/metrics.ts'
import { installBeaconFastPath } from './beacon-fast-path.ts'
import type { BeaconAnswers } from './beacon-intake.ts'
import { beaconRoutes } from './beacon-routes.ts'
import { createFunnelLookups } from './funnel-lookups.ts'
import { funnelReportRoutes } from './funnel-report-routes.ts'

export type FunnelRoutesOptions = {
  publicUrl: string
  classifierExtra?: ClassifierExtra
  /** Answer the common beacon ahead of Fastify (beacon-fast-path.ts); the route answers the rest. */
  fastPath?: boolean
  /** The trust function Fastify's request.ip uses, for the fast path's client address. */
  proxyTrust?: ProxyTrust | null
  domains: Pick<DomainRegistry, 'storedDomainOf'>
}

/** The share funnel's API: the page tag's beacons in (through the funnel plugin's pipeline), the funnel report out. */
export const funnelRoutes: FastifyPluginAsync<FunnelRoutesOptions> = async (app, opts) => {
  const { recorder, mintId } = app.funnel
  const beacons = {
    classify: createClickClassifier(
      classifyContextFor({ publicUrl: opts.publicUrl, classifierExtra: opts.classifierExtra }),
    ),
    recorder,
    lookups: createFunnelLookups(app.pg),
    mintId,
    answered: { fast: 0, route: 0 } satisfies BeaconAnswers,
  }
  if (app.hasDecorator('metrics'))
    counterFrom(
      app.metrics.registry,
      'umbra_beacons_total',
      'Beacons kept (204) by path: fast (ahead of Fastify) or route',
      ['path'],
      () => [
        [{ path: 'fast' }, beacons.answered.fast],
        [{ path: 'route' }, beacons.answered.route],
      ],
    )
  await app.register(beaconRoutes, beacons)
  await app.register(funnelReportRoutes, { domains: opts.domains })
  if (opts.fastPath) {
    const log = app.log.child({ component: 'beacons' })
    installBeaconFastPath(app, {
      ...beacons,
      proxyTrust: opts.proxyTrust ?? null,
      onError: (err) => log.error({ err }, 'beacon fast path failed; the route answers'),
    })
  }
}
