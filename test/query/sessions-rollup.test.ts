/**
 * DuckDB's sessions rollup (store/duckdb-sessions.ts) must always equal the GROUP BY over the
 * stored events that the Sessions cube stands for: after many segment loads in any order (a
 * session spread over several batches, its earliest event arriving last, first events lacking
 * some values), replays and duplicates, sessions mixing bot and human events, a session that
 * moves to another user, the generator's insert path, a database from before the rollup, and a
 * project's deletion.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { eventToCsv } from "../../src/events/event-csv.js";
import { type DuckDb, openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";
import { buildEvents } from "./support/dataset.js";

/** The sessions as the cube defines them: written out here, apart from the store's SQL. */
const GROUPED = (humansOnly: boolean) => `
  SELECT *, CASE WHEN user_key IS NULL THEN TRUE ELSE row_number() OVER (
    PARTITION BY project_id, user_key ORDER BY start_at, session_id) = 1 END AS is_first
  FROM (SELECT project_id, session_id,
    arg_min(COALESCE(domain_userid, user_id), derived_tstamp) AS user_key, max(user_id) AS user_id,
    min(derived_tstamp) AS start_at, max(derived_tstamp) AS end_at, count(*) AS number_events,
    arg_min(page_urlpath, derived_tstamp) AS page_urlpath, arg_min(page_title, derived_tstamp) AS page_title,
    arg_min(agent_name, derived_tstamp) AS agent_name, arg_min(agent_version, derived_tstamp) AS agent_version,
    arg_min(os_family, derived_tstamp) AS os_family
  FROM events WHERE session_id IS NOT NULL ${humansOnly ? "AND NOT is_bot" : ""}
  GROUP BY project_id, session_id) ORDER BY project_id, session_id`;

const ROLLUP = (humansOnly: boolean) => `
  SELECT project_id, session_id, user_key, user_id, start_at, end_at, number_events,
    page_urlpath, page_title, agent_name, agent_version, os_family,
    ${humansOnly ? "first_in_humans" : "first_in_all"} AS is_first
  FROM sessions_rollup WHERE ${humansOnly ? "for_humans" : "for_all"}
  ORDER BY project_id, session_id`;

const dirs: string[] = [];
let open: { instance: DuckDb; store: DuckDbStore } | null = null;

async function openStore(dir?: string) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), "glimpse-sessions-rollup-"));
  if (!dir) dirs.push(dataDir);
  const instance = await openDuckDb(dataDir, { memoryLimit: "512MB" });
  const store = await DuckDbStore.open(instance);
  open = { instance, store };
  return { dataDir, instance, store };
}

afterEach(async () => {
  await open?.store.close();
  open = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function expectRollupMatches(store: DuckDbStore): Promise<void> {
  for (const humansOnly of [true, false]) {
    const rollup = await store.query(ROLLUP(humansOnly));
    expect(rollup.length).toBeGreaterThan(0);
    expect(rollup).toEqual(await store.query(GROUPED(humansOnly)));
  }
  // One row per session and scan.
  const [dups] = await store.query(
    `SELECT count(*) - count(DISTINCT (project_id, session_id, for_humans)) AS h,
            count(*) FILTER (WHERE for_all) - count(DISTINCT (project_id, session_id)) FILTER (WHERE for_all) AS a
     FROM sessions_rollup`,
  );
  expect(dups).toEqual({ h: "0", a: "0" });
  // Each user key has one number and each number one key, within a project.
  const [numbers] = await store.query(
    `SELECT count(*) FILTER (WHERE (user_key IS NULL) <> (user_num IS NULL)) AS unnumbered,
       count(DISTINCT (project_id, user_key)) - count(DISTINCT (project_id, user_key, user_num)) AS keys,
       count(DISTINCT (project_id, user_num)) - count(DISTINCT (project_id, user_key, user_num)) AS nums
     FROM sessions_rollup`,
  );
  expect(numbers).toEqual({ unnumbered: "0", keys: "0", nums: "0" });
}

/** A deterministic shuffle, so that sessions spread over batches in any order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The dataset plus sessions whose bot events come first (so both scans' rows differ). */
function dataset(): StoredEvent[] {
  const events = [...buildEvents("alpha", 1, 40), ...buildEvents("beta", 2, 8)];
  for (const e of events.filter((x) => x.session_id?.endsWith("-s0")).slice(0, 30)) {
    // A bot event a minute before the session's first, with other agent and page.
    events.push({
      ...e,
      event_id: `${e.event_id}-bot`,
      derived_tstamp: e.derived_tstamp - 60_000,
      collector_tstamp: e.collector_tstamp - 60_000,
      is_bot: true,
      agent_name: "Googlebot",
      page_urlpath: "/robots.txt",
      user_id: "zz-bot",
    });
  }
  for (const e of events.filter((x) => x.session_id?.endsWith("-s1")).slice(0, 30)) {
    // A human event before the session's first that lacks some values: each first value of
    // the session is its earliest event's that has one.
    events.push({
      ...e,
      event_id: `${e.event_id}-early`,
      derived_tstamp: e.derived_tstamp - 30_000,
      collector_tstamp: e.collector_tstamp - 30_000,
      page_title: null,
      agent_version: null,
      domain_userid: null,
    });
  }
  return events;
}

describe("sessions rollup", () => {
  it("equals the GROUP BY over events after many loads, replays and duplicates", async () => {
    const { dataDir, store } = await openStore();
    const events = shuffled(dataset(), 7);
    const segments: string[] = [];
    const size = Math.ceil(events.length / 9);
    for (let i = 0; i * size < events.length; i++) {
      const batch = events.slice(i * size, (i + 1) * size);
      // Each segment repeats a few events of itself and of the previous one.
      const repeats = [...batch.slice(0, 3), ...events.slice(Math.max(0, i * size - 5), i * size)];
      const file = join(dataDir, `segment-${i}.csv`);
      writeFileSync(file, [...batch, ...repeats].map(eventToCsv).join(""));
      segments.push(file);
    }
    let loaded = 0;
    for (let i = 0; i < segments.length; i += 2) {
      loaded += await store.loadSegments(segments.slice(i, i + 2));
      await expectRollupMatches(store);
    }
    expect(loaded).toBe(events.length);
    // Replaying everything changes nothing.
    expect(await store.loadSegments(segments)).toBe(0);
    await expectRollupMatches(store);

    // A session that spans batches: its events went into several loads.
    const [spread] = await store.query(
      "SELECT number_events FROM sessions_rollup WHERE session_id = 'alpha-u0-s0' AND for_all",
    );
    expect(Number(spread?.number_events)).toBeGreaterThan(1);
  });

  it("gives a user's first session back to it when an earlier event moves a session to another user", async () => {
    const { dataDir, store } = await openStore();
    const at = (minute: number) => Date.UTC(2026, 10, 1, 12, minute);
    let n = 0;
    const event = (session: string, duid: string, minute: number): StoredEvent => {
      n += 1;
      return {
        ...emptyEvent(
          "alpha",
          `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
          at(minute),
        ),
        session_id: session,
        domain_userid: duid,
        derived_tstamp: at(minute),
      };
    };
    const load = async (name: string, events: StoredEvent[]) => {
      const file = join(dataDir, `${name}.csv`);
      writeFileSync(file, events.map(eventToCsv).join(""));
      await store.loadSegments([file]);
      await expectRollupMatches(store);
    };
    // User a: session "early" (minute 5) is its first, "late" (minute 10) is not.
    await load("one", [event("late", "a", 10), event("early", "a", 5)]);
    const first = async (session: string) => {
      const [row] = await store.query(
        "SELECT first_in_all FROM sessions_rollup WHERE session_id = $1 AND for_all",
        [session],
      );
      return row?.first_in_all;
    };
    expect([await first("early"), await first("late")]).toEqual([true, false]);
    // An earlier event of "early" names user b: the session is b's now, and "late" is a's first.
    await load("two", [event("early", "b", 1)]);
    expect([await first("early"), await first("late")]).toEqual([true, true]);
  });

  it("takes the first session over all events from a user's later-loaded bot session, not over human ones", async () => {
    const { dataDir, store } = await openStore();
    const at = (minute: number) => Date.UTC(2026, 10, 1, 12, minute);
    const event = (id: number, session: string, minute: number, bot: boolean): StoredEvent => ({
      ...emptyEvent("alpha", `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`, at(minute)),
      session_id: session,
      domain_userid: "a",
      is_bot: bot,
    });
    const load = async (name: string, events: StoredEvent[]) => {
      const file = join(dataDir, `${name}.csv`);
      writeFileSync(file, events.map(eventToCsv).join(""));
      await store.loadSegments([file]);
      await expectRollupMatches(store);
    };
    await load("human", [event(1, "visit", 10, false)]);
    // A bot-only session of the same user, earlier: first over all events, not over human ones.
    await load("bot", [event(2, "crawl", 5, true)]);
    const flags = await store.query(
      "SELECT session_id, for_humans, for_all, first_in_humans, first_in_all FROM sessions_rollup ORDER BY session_id",
    );
    expect(flags).toEqual([
      {
        session_id: "crawl",
        for_humans: false,
        for_all: true,
        first_in_humans: false,
        first_in_all: true,
      },
      {
        session_id: "visit",
        for_humans: true,
        for_all: true,
        first_in_humans: true,
        first_in_all: false,
      },
    ]);
  });

  it("follows the generator's insert path, a project's deletion and an older database", async () => {
    const first = await openStore();
    const events = shuffled(dataset(), 11);
    const half = Math.floor(events.length / 2);
    await first.store.insertEvents(events.slice(0, half));
    await first.store.insertEvents(events.slice(half));
    await expectRollupMatches(first.store);

    await first.store.deleteProject("beta");
    await expectRollupMatches(first.store);
    expect(
      await first.store.query("SELECT * FROM sessions_rollup WHERE project_id = 'beta'"),
    ).toEqual([]);

    // A rollup from before session hashes gets them added when the store opens, and loads
    // then find its sessions (the events of deleted "beta" are not loaded).
    await first.store.query("ALTER TABLE sessions_rollup DROP COLUMN session_hash");
    await first.store.close();
    open = null;
    const hashed = await openStore(first.dataDir);
    const [unhashed] = await hashed.store.query(
      "SELECT count(*) FILTER (WHERE session_hash IS NULL) AS n FROM sessions_rollup",
    );
    expect(unhashed).toEqual({ n: "0" });
    const file = join(first.dataDir, "more.csv");
    writeFileSync(
      file,
      events
        .filter((e) => e.project_id === "alpha")
        .slice(0, 40)
        .map((e) => eventToCsv({ ...e, event_id: `${e.event_id}-more` }))
        .join(""),
    );
    expect(await hashed.store.loadSegments([file])).toBe(40);
    await expectRollupMatches(hashed.store);

    // A database from before the rollup gets it built when the store opens.
    await hashed.store.query("DROP TABLE sessions_rollup");
    await hashed.store.close();
    open = null;
    const again = await openStore(first.dataDir);
    await expectRollupMatches(again.store);
  });
});
