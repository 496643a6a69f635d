/**
 * How long after a failed attempt the next one is due: base · 2^(attempt−1), capped, then scaled by a
 * random factor in [0.5, 1.5) so endpoints coming back are not hit by every instance's backlog at once.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40))
  return Math.round(exponential * (0.5 + random()))
}
