// C0 controls, DEL, C1 controls, the bidi marks, embeddings, overrides and isolates: as regex source, so the
// character classes stay readable escapes.
const CONTROL_AND_BIDI = '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069'

/**
 * Text a person reads back (titles, campaigns, key names, search terms) holds no control characters:
 * Postgres text cannot store NUL (the insert would fail as a 500), CR/LF split headers and CSV lines, and
 * bidi controls reorder what a reader sees (an override turns `invoice[RLO]fdp.exe` into `invoiceexe.pdf`).
 */
export const NOT_PLAIN_TEXT = new RegExp(`[${CONTROL_AND_BIDI}]`)
export const PLAIN_TEXT = new RegExp(`^[^${CONTROL_AND_BIDI}]*$`)
export const PLAIN_TEXT_MESSAGE = 'must not contain control or bidi characters'

const RUNS = new RegExp(`[${CONTROL_AND_BIDI}]+`, 'g')
/** Text from elsewhere (an import) made plain: each run of control or bidi characters becomes one space. */
export const toPlainText = (text: string) => text.replace(RUNS, ' ')
