/**
 * `npm run bench:history`: what a DuckDB load costs in a store that already holds a project's
 * traffic. bench:ingest's store starts empty; a live one grows, and the load's joins on random
 * ids (event, session, user) read whole tables.
 *
 * 1. Fills a fresh store with BENCH_EVENTS (default 2,000,000) generated events of one project
 *    over the last two days, through the load path a live service uses, half an hour of
 *    traffic per load in time order (so the tables are in collection order, as a live
 *    service's are; the generator's bulk path is not).
 * 2. Times loads of live events of the same project (random ids, the device times a tracker
 *    sends, collected in the last hour): six of 500 events, then six of 16,384. Prints each
 *    load's time and the median.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { eventToCsv } from "../events/event-csv.js";
import { generateEvents } from "../generate/generator.js";
import { openDuckDb } from "../store/duckdb-database.js";
import { DuckDbStore } from "../store/duckdb-store.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const PROJECT = "bench";
const DAY = 86_400_000;
const HALF_HOUR = 1_800_000;
/** Loads that fill the store: two days, half an hour each. */
const WINDOWS = (2 * DAY) / HALF_HOUR;

const dir = mkdtempSync(join(tmpdir(), "glimpse-bench-history-"));
let segments = 0;

/** Generated events as one log segment, in the log's own format. */
function segment(events: number, end: number, days: number, seed: number): string {
  const path = join(dir, `segment-${segments++}.csv`);
  const lines: string[] = [];
  for (const chunk of generateEvents({ projectId: PROJECT, events, days, end, seed }, events))
    for (const event of chunk) lines.push(eventToCsv(event));
  writeFileSync(path, lines.join(""));
  return path;
}

async function main(): Promise<void> {
  console.log(`bench:history — DuckDB, ${EVENTS.toLocaleString("en")} events of one project\n`);
  const store = await DuckDbStore.open(await openDuckDb(join(dir, "data")));
  try {
    const now = Date.now();
    const filling = performance.now();
    for (let w = 0; w < WINDOWS; w++) {
      const end = now - (WINDOWS - 1 - w) * HALF_HOUR;
      const path = segment(Math.round(EVENTS / WINDOWS), end, HALF_HOUR / DAY, w + 1);
      await store.loadSegments([path]);
      rmSync(path);
    }
    const [counts] = await store.query(
      `SELECT (SELECT count(*) FROM events) AS events,
              (SELECT count(*) FROM sessions_rollup) AS sessions,
              (SELECT count(*) FROM session_users) AS users`,
    );
    console.log(
      `filled in ${((performance.now() - filling) / 1000).toFixed(0)} s: ${counts?.events} events, ${counts?.sessions} session rows, ${counts?.users} users\n`,
    );
    for (const size of [500, 16_384]) {
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const path = segment(size, Date.now(), 1 / 24, 1000 + size + i);
        const started = performance.now();
        await store.loadSegments([path]);
        times.push(performance.now() - started);
        rmSync(path);
      }
      const median = [...times].sort((a, b) => a - b)[times.length >> 1] ?? 0;
      console.log(
        `load of ${String(size).padStart(6)} live events: median ${median.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")} ms)`,
      );
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
