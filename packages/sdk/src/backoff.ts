/**
 * Retry delays after a failed send: exponential (1 s, 2 s, 4 s, ... up to a cap) with "equal
 * jitter" (half the delay fixed, half random), so a fleet of pages that lost the collector at
 * the same moment does not come back at the same moment.
 *
 * @example
 * backoffDelay(3); // somewhere in [4 s, 8 s)
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 1000,
  capMs = 60_000,
): number {
  const delay = Math.min(capMs, baseMs * 2 ** attempt);
  return delay / 2 + (random() * delay) / 2;
}
