import type pg from 'pg'
import { cpuSeconds, median, postgresCpuSeconds, watchRss } from './bench-processes.ts'
import { clicksInClickEvents, type startClickReceiver, waitForDeliveries } from './click-receiver.ts'
import type { Measured } from './redirect-bench.ts'

type Receiver = Awaited<ReturnType<typeof startClickReceiver>>

export type HookedRound = {
  ratio: number
  cpu: number
  plainCpu: number
  pg: number
  plainPg: number
  rss: number
  drainMs: number
  drainRss: number
  totalCpu: number
  totalPg: number
  receiverCpu: number
}

/**
 * The plain link measured with the webhook subscribed to clicks, and subscribed until every click of the
 * round is delivered: delivery the server puts off while busy (WEBHOOK_MAX_LAG_MS) is done before the next
 * round, never in its baseline, and its cost is counted with the round's ("with the delivery after").
 */
export async function hookedRound(o: {
  receiver: Receiver
  db: pg.Client
  pid: number
  databaseName: string
  subscribe: (active: boolean) => Promise<unknown>
  measure: () => Promise<Measured>
  drainClicks: () => Promise<void>
  bare: Measured
  plain: Measured
}) {
  await o.subscribe(true)
  const rss = watchRss(o.pid)
  const own = process.cpuUsage()
  const [cpu0, pg0] = [cpuSeconds(o.pid), postgresCpuSeconds(o.databaseName)]
  const receivedBefore = o.receiver.seen.clicks
  const w = await o.measure()
  const receivedUnderLoad = o.receiver.seen.clicks - receivedBefore
  const [peak, ownCpu] = [rss.stop(), process.cpuUsage(own)]
  const drainRss = watchRss(o.pid)
  const drainStart = Date.now()
  await o.drainClicks()
  await waitForDeliveries(o.db)
  const drainMs = Date.now() - drainStart
  const requests = Math.max(
    1,
    Object.values(w.status).reduce((a, b) => a + b, 0),
  )
  const round: HookedRound = {
    ratio: w.reqPerSec / o.bare.reqPerSec,
    cpu: w.cpuUsPerRequest,
    plainCpu: o.plain.cpuUsPerRequest,
    pg: w.postgresUsPerRequest,
    plainPg: o.plain.postgresUsPerRequest,
    rss: peak,
    drainMs,
    drainRss: drainRss.stop(),
    totalCpu: ((cpuSeconds(o.pid) - cpu0) * 1e6) / requests,
    totalPg: ((postgresCpuSeconds(o.databaseName) - pg0) * 1e6) / requests,
    receiverCpu: (ownCpu.user + ownCpu.system) / requests,
  }
  await o.subscribe(false)
  const text =
    `rss ${peak.toFixed(0)} MB  ratio ${round.ratio.toFixed(2)} (webhook subscribed to clicks)\n` +
    `         all delivered ${drainMs} ms after the load stopped (rss then ${round.drainRss.toFixed(0)} MB); with the ` +
    `delivery after it: server ${round.totalCpu.toFixed(1)} µs/req, Postgres ${round.totalPg.toFixed(1)} µs/req; ` +
    `bench process (receiver) ${round.receiverCpu.toFixed(1)} µs/req; ` +
    `${receivedUnderLoad} clicks received under load, ${o.receiver.seen.clicks - receivedBefore} in all`
  return { measured: w, round, text }
}

/** The hooked rounds' medians, and the check that every click of the click events arrived once. */
export async function hookedSummary(
  hooked: HookedRound[],
  plainRatio: number,
  receiver: Receiver,
  db: pg.Client,
  hooked302s: number,
  delivery: boolean,
) {
  const expected = await clicksInClickEvents(db)
  const m = (f: (h: HookedRound) => number) => median(hooked.map(f)).toFixed(1)
  const text =
    `webhook subscribed to clicks${delivery ? '' : ' (recorded, not delivered)'}: median ratio ${median(hooked.map((h) => h.ratio)).toFixed(2)} vs bare ` +
    `(plain link unsubscribed ${plainRatio.toFixed(2)}); server CPU per request ${m((h) => h.cpu)} µs vs ${m((h) => h.plainCpu)} µs ` +
    `(${m((h) => h.totalCpu)} µs with the delivery after the load); Postgres per click ${m((h) => h.pg)} µs vs ${m((h) => h.plainPg)} µs ` +
    `(${m((h) => h.totalPg)} µs with the delivery after); peak RSS ${Math.max(...hooked.map((h) => h.rss)).toFixed(0)} MB under load, ` +
    `${Math.max(...hooked.map((h) => h.drainRss)).toFixed(0)} MB delivering after; all delivered ${m((h) => h.drainMs / 1000)} s ` +
    `(rounds ${hooked.map((h) => (h.drainMs / 1000).toFixed(1)).join(', ')}) after the load stopped; receiver ${m((h) => h.receiverCpu)} µs/req`
  const result: [string, boolean] | null = delivery
    ? [
        `every click of the click events delivered once: ${expected} person clicks in events, ${receiver.seen.clicks} received ` +
          `in ${receiver.seen.deliveries} deliveries, ${receiver.seen.repeats} repeated webhook-ids (autocannon saw ${hooked302s} 302s while subscribed)`,
        receiver.seen.clicks === expected && expected > 0,
      ]
    : null
  return { text, result }
}
