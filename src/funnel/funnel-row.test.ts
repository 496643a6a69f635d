import { describe, expect, it } from 'vitest'
import { COPY_BINARY_HEADER } from '../clicks/journal/row-codec.ts'
import type { FunnelEvent } from './funnel-event.ts'
import { MAX_FUNNEL_ROW_BYTES, scanFunnelRows, writeFunnelRow } from './funnel-row.ts'

const share: FunnelEvent = {
  type: 'share',
  id: 2 ** 40 + 7,
  contentId: '42',
  at: Date.parse('2026-12-05T10:11:12.345Z'),
  channel: 'copy_text',
}
const arrival: FunnelEvent = {
  type: 'arrival',
  id: 9,
  contentId: '42',
  at: Date.parse('2026-12-05T10:11:12Z'),
  medium: 'in_app',
  app: 'instagram',
  visibility: 'dark',
  source: 'address_bar',
  generation: 2,
  linkId: null,
  token: 'BBBBBBBB',
  parentToken: 'AAAAAAAA',
}
const long: FunnelEvent = { ...share, channel: 'x'.repeat(500) }

function encode(events: FunnelEvent[]): Buffer {
  const buf = Buffer.alloc(COPY_BINARY_HEADER.length + events.length * MAX_FUNNEL_ROW_BYTES)
  COPY_BINARY_HEADER.copy(buf)
  let at = COPY_BINARY_HEADER.length
  for (const e of events) at = writeFunnelRow(buf, at, e)
  return buf.subarray(0, at)
}

describe('funnel rows (binary COPY)', () => {
  it.each([
    { name: 'a share', events: [share] },
    { name: 'an address-bar arrival', events: [arrival] },
    { name: 'both, and a share again', events: [share, arrival, share] },
    { name: 'an over-long text, cut to fit', events: [long] },
  ])('$name: every row is found whole, and none is longer than the bound', ({ events }) => {
    const rows = encode(events)
    expect(scanFunnelRows(rows)).toEqual({ count: events.length, end: rows.length })
    expect(rows.length - COPY_BINARY_HEADER.length).toBeLessThanOrEqual(events.length * MAX_FUNNEL_ROW_BYTES)
  })

  it('stops at a row cut short (the process died mid-write): the rows before it count, the torn one does not', () => {
    const rows = encode([share, arrival, share])
    const whole = scanFunnelRows(rows)
    for (let cut = rows.length - 1; cut > COPY_BINARY_HEADER.length; cut -= 7) {
      const scanned = scanFunnelRows(rows.subarray(0, cut))
      expect(scanned.count).toBeLessThan(whole.count)
      expect(scanned.end).toBeLessThanOrEqual(cut)
    }
  })
})
