/** Event counts per project and month, from the store's usage figure (`countEvents`). */
import type { Store } from "../store/store.js";

/** The first instant (epoch ms, UTC) of the month `offset` months from `now`'s month. */
export function monthStart(now: number, offset = 0): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

/** `YYYY-MM` of an epoch ms, in UTC. */
export function monthLabel(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Counts for the last `months` months, oldest first, the current month last. */
export async function monthlyCounts(
  store: Pick<Store, "countEvents">,
  projectId: string,
  months: number,
  now = Date.now(),
): Promise<Array<{ month: string; events: number }>> {
  const out: Array<{ month: string; events: number }> = [];
  for (let offset = 1 - months; offset <= 0; offset++) {
    const from = monthStart(now, offset);
    const events = await store.countEvents(projectId, from, monthStart(now, offset + 1));
    out.push({ month: monthLabel(from), events });
  }
  return out;
}

/** Everything a project ever stored (up to a day from now, for clocks a little ahead). */
export function totalEvents(
  store: Pick<Store, "countEvents">,
  projectId: string,
  now = Date.now(),
): Promise<number> {
  return store.countEvents(projectId, 0, now + 24 * 3600 * 1000);
}
