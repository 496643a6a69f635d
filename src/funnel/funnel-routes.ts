import type { FastifyPluginAsync } from 'fastify'
import { createClickIdMinter } from '../clicks/click-id-minter.ts'
import { beaconRoutes } from './beacon-routes.ts'
import { createFunnelLookups } from './funnel-lookups.ts'
import { funnelIngestionUnplugged } from './funnel-recorder.ts'
import { funnelReportRoutes } from './funnel-report-routes.ts'

/** The share funnel's API: the page tag's beacons in, the funnel report out. */
export const funnelRoutes: FastifyPluginAsync<{ publicUrl: string }> = async (app, { publicUrl }) => {
  const minter = await createClickIdMinter(app.pg.pool)
  await app.register(beaconRoutes, { publicUrl, recorder: funnelIngestionUnplugged, lookups: createFunnelLookups(app.pg), mintId: minter.next })
  await app.register(funnelReportRoutes)
}
