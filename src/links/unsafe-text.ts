/**
 * Characters no URL, title, campaign, key name, search term or code may hold: C0 controls (NUL cannot even be
 * stored in Postgres text), DEL, C1 controls, and the bidi marks, embeddings, overrides and isolates that make
 * text read otherwise than it is (`https://example.com/\u202Egnp.exe` shows as "exe.png").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const UNSAFE_TEXT_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/

export const UNSAFE_TEXT_MESSAGE = 'must not contain control or bidi-override characters'

const UNSAFE_RUNS = new RegExp(`${UNSAFE_TEXT_CHARS.source}+`, 'g')
/** Text from elsewhere (an import) made safe: each run of unsafe characters becomes one space. */
export const toSafeText = (text: string) => text.replace(UNSAFE_RUNS, ' ')
