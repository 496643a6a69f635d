/**
 * Something recorded about a click batch's new clicks in the batch's own transaction, so it is there
 * exactly when the clicks are (the webhooks' outbox). The clicks do not know who observes them.
 */
export type ClickBatchObserver = {
  /** One row `{ wants: boolean }`: whether this batch is observed (asked in its transaction, before its rows go in). */
  wantsSql: string
  /** Run in the batch's transaction once its clicks are in; reads the inserted ones from NEW_CLICKS_TABLE. */
  recordSql: string
}

/** The clicks a batch inserted (a session-local table emptied at commit): id, link_id, clicked_at, verdict_id, country. */
export const NEW_CLICKS_TABLE = 'click_batch_new'
