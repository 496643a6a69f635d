/**
 * Something recorded about a click batch's new person clicks in the batch's own transaction, so it is
 * there exactly when the clicks are (the webhooks' outbox). The clicks do not know who observes them.
 * It is told runs, not clicks: one row per run of up to `runLength` person clicks, whatever their number.
 */
export type ClickBatchObserver = {
  /** Person clicks in a run at most. */
  runLength: number
  /**
   * Run in the batch's transaction once its clicks are in, with its runs as parallel arrays: $1 first ids,
   * $2 last ids (bigint[]), $3 first times, $4 last times (timestamptz[]). A run's clicks are those of the
   * batch within both ranges; they may include clicks that are not persons, which the observer leaves out.
   */
  recordRunsSql: string
  /** Run in the transaction that drops raw clicks before $1 (timestamptz): keeps what the observer still needs. */
  keepSql: string
}
