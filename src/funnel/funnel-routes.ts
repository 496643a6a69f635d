import type { FastifyPluginAsync } from 'fastify'
import type { ClassifierExtra } from '../clicks/classify/classifier-extra.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { beaconRoutes } from './beacon-routes.ts'
import { createFunnelLookups } from './funnel-lookups.ts'
import { funnelReportRoutes } from './funnel-report-routes.ts'

/** The share funnel's API: the page tag's beacons in (through the funnel plugin's pipeline), the funnel report out. */
export const funnelRoutes: FastifyPluginAsync<{
  publicUrl: string
  classifierExtra?: ClassifierExtra
  domains: Pick<DomainRegistry, 'storedDomainOf'>
}> = async (app, { publicUrl, classifierExtra, domains }) => {
  const { recorder, mintId } = app.funnel
  await app.register(beaconRoutes, {
    publicUrl,
    classifierExtra,
    recorder,
    lookups: createFunnelLookups(app.pg),
    mintId,
  })
  await app.register(funnelReportRoutes, { domains })
}
