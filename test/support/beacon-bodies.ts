/** Beacon bodies as the page tag (web/widget/) sends them for a page at `url`, with fields overridden. */
export const shareBeacon = (url: string, over: Record<string, unknown> = {}) => ({
  type: 'share',
  url,
  page: url,
  channel: 'whatsapp',
  ...over,
})
export const arrivalBeacon = (url: string, over: Record<string, unknown> = {}) => ({
  type: 'arrival',
  url,
  page: url,
  referrer: '',
  generation: 0,
  ...over,
})
