import type { ClickBatchObserver } from '../clicks/click-kind/click-batch-observer.ts'

/**
 * `click` events in the click batch's transaction: one event per run of at most `perEvent` person clicks
 * (one delivery each), as the run's first and last id and time; its clicks and their labels are read when
 * the event is delivered (click-delivery.ts), or kept in the event before retention drops their rows. Only
 * while some active webhook subscribes to clicks (migration 042's webhook_record_click_runs).
 */
export function clickEventsObserver(perEvent: number): ClickBatchObserver {
  return {
    runLength: Math.max(1, Math.floor(perEvent)),
    recordRunsSql: 'select webhook_record_click_runs($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])',
    keepSql: 'select webhook_keep_clicks($1::timestamptz)',
  }
}
