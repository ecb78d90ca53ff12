/**
 * Rollups (the model's pre-aggregations, store/duckdb-rollups.ts and query/rollup-match.ts):
 * a query answered from a rollup must give exactly the figures its events give, after many
 * loads in any order with replays and duplicates, for every combination of measures,
 * dimensions, granularities, date ranges, filters and bots the rollups accept; and a query
 * they cannot answer exactly must read the events.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/events/event.js";
import { eventToCsv } from "../../src/events/event-csv.js";
import { BUILTIN_QUERIES } from "../../src/query/builtin-queries.js";
import { builtInModel, compileQuery, ModelError, runCompiled } from "../../src/query/index.js";
import { loadModel } from "../../src/query/model/load-model.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";
import { buildEvents, NOW } from "./support/dataset.js";

const dirs: string[] = [];
const stores: DuckDbStore[] = [];

async function openStore(dir?: string) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), "glimpse-rollups-"));
  if (!dir) dirs.push(dataDir);
  const store = await DuckDbStore.open(await openDuckDb(dataDir, { memoryLimit: "512MB" }));
  stores.push(store);
  return { dataDir, store };
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const compile = (query: Record<string, unknown>, rollups: boolean, projectId = "alpha") =>
  compileQuery(builtInModel(), query, { projectId, dialect: "duckdb", now: NOW, rollups });

/** The rollup each query would read (null: the events). */
const routeOf = (query: Record<string, unknown>) =>
  compile(query, true).map((c) => c.rendered.rollup)[0] ?? null;

/** The dataset plus a visitor seen both as a bot and as a human on the same day. */
function dataset(): StoredEvent[] {
  const events = [...buildEvents("alpha", 3, 30), ...buildEvents("beta", 4, 6)];
  const human = events.find((e) => e.project_id === "alpha" && e.domain_userid && !e.is_bot);
  if (!human) throw new Error("no human event");
  events.push({ ...human, event_id: `${human.event_id}-bot`, is_bot: true, agent_name: "Bot" });
  return events;
}

/** Loads the events as nine segments in shuffled order, each repeating a few events. */
async function loadInSegments(store: DuckDbStore, dataDir: string, events: StoredEvent[]) {
  // A deterministic shuffle: days and visitors spread over the loads in any order.
  const order = [...events];
  let seed = 5;
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j] as StoredEvent, order[i] as StoredEvent];
  }
  const size = Math.ceil(order.length / 9);
  const files: string[] = [];
  for (let i = 0; i * size < order.length; i++) {
    const batch = order.slice(i * size, (i + 1) * size);
    const repeats = [...batch.slice(0, 2), ...order.slice(Math.max(0, i * size - 4), i * size)];
    const file = join(dataDir, `segment-${i}.csv`);
    writeFileSync(file, [...batch, ...repeats].map(eventToCsv).join(""));
    files.push(file);
  }
  let loaded = 0;
  for (const file of files) loaded += await store.loadSegments([file]);
  expect(loaded).toBe(events.length);
  expect(await store.loadSegments(files)).toBe(0);
}

const MEASURES = [
  ["TrackedEvents.uniqueUsersCount"],
  ["TrackedEvents.count", "TrackedEvents.pageViewsCount"],
  ["TrackedEvents.linkClicksCount", "TrackedEvents.customEventsCount", "TrackedEvents.count"],
  ["TrackedEvents.uniqueUsersCount", "TrackedEvents.pageViewsCount"],
];
const DIMENSIONS = [
  [],
  ["TrackedEvents.agentName", "TrackedEvents.agentVersion"],
  ["TrackedEvents.agentName"],
  ["TrackedEvents.pageUrlpath", "TrackedEvents.pageUrl"],
  ["TrackedEvents.docPath"],
];
const TIMES = [
  [],
  [{ dimension: "TrackedEvents.derivedTstamp", granularity: "day" }],
  [{ dimension: "TrackedEvents.derivedTstamp", granularity: "week" }],
  [{ dimension: "TrackedEvents.utcTime", granularity: "month" }],
  [{ dimension: "TrackedEvents.derivedTstamp", dateRange: ["2024-03-02", "2024-03-09"] }],
  [
    {
      dimension: "TrackedEvents.derivedTstamp",
      granularity: "day",
      dateRange: ["2024-03-03", "2024-03-06"],
    },
  ],
];
const EXTRAS: Record<string, unknown>[] = [
  {},
  { segments: ["TrackedEvents.includingBots"] },
  { filters: [{ member: "TrackedEvents.agentName", operator: "equals", values: ["Chrome"] }] },
  {
    filters: [
      {
        or: [
          { member: "TrackedEvents.pageUrlpath", operator: "contains", values: ["doc"] },
          { member: "TrackedEvents.agentVersion", operator: "notSet" },
        ],
      },
    ],
  },
  { timezone: "Europe/Berlin" },
];

describe("rollups", () => {
  it("give the figures of the events for every query they answer", async () => {
    const { dataDir, store } = await openStore();
    await loadInSegments(store, dataDir, dataset());

    const used = new Set<string>();
    for (const measures of MEASURES)
      for (const dimensions of DIMENSIONS)
        for (const timeDimensions of TIMES)
          for (const extra of EXTRAS) {
            const query = { measures, dimensions, timeDimensions, ...extra, limit: 5000 };
            const rolled = compile(query, true);
            for (const c of rolled) if (c.rendered.rollup) used.add(c.rendered.rollup);
            const [a, b] = await Promise.all([
              runCompiled(store, rolled, NOW),
              runCompiled(store, compile(query, false), NOW),
            ]);
            // As sets of rows: rows tied in the query's order may come in either order.
            const rows = (results: typeof a) =>
              results.map((r) => r.data.map((row) => JSON.stringify(row)).sort());
            expect(rows(a), JSON.stringify(query)).toEqual(rows(b));
          }
    // Every rollup answered some of the combinations above.
    const all =
      builtInModel()
        .cubes.get("TrackedEvents")
        ?.rollups.map((r) => r.name) ?? [];
    expect([...used].sort()).toEqual([...all].sort());
  });

  it("answer GitLab's built-in event queries; the rest read the events", () => {
    expect(
      Object.fromEntries(Object.entries(BUILTIN_QUERIES).map(([n, q]) => [n, routeOf(q)])),
    ).toEqual({
      total_unique_users: "users",
      total_sessions: null,
      average_session_duration: null,
      average_sessions_per_user: null,
      returning_users_percentage: null,
      total_events: "pagesDaily",
      total_pageviews: "pagesDaily",
      daily_active_users: "usersDaily",
      page_views_over_time: "pagesDaily",
      events_over_time: "pagesDaily",
      sessions_over_time: null,
      browsers_per_users: "usersByBrowser",
      sessions_per_browser: null,
      top_pages: "pagesDaily",
    });
    const users = { measures: ["TrackedEvents.uniqueUsersCount"] };
    const day = { dimension: "TrackedEvents.derivedTstamp", granularity: "day" };
    // Exactly what the events give, or not at all: buckets in another zone, a range cutting a
    // day, finer buckets, other segments, measure filters, ungrouped rows, other members.
    for (const query of [
      { ...users, timeDimensions: [day], timezone: "America/New_York" },
      { ...users, timeDimensions: [{ ...day, dateRange: ["2024-03-02T12:00:00", "2024-03-05"] }] },
      { ...users, timeDimensions: [{ ...day, granularity: "hour" }] },
      { ...users, segments: ["TrackedEvents.pageViews"] },
      {
        ...users,
        filters: [{ member: "TrackedEvents.uniqueUsersCount", operator: "gt", values: ["1"] }],
      },
      { measures: ["TrackedEvents.count"], dimensions: ["TrackedEvents.eventId"], ungrouped: true },
      { ...users, dimensions: ["TrackedEvents.osName"] },
      { measures: ["TrackedEvents.usersCount"] },
    ]) {
      expect(routeOf(query), JSON.stringify(query)).toBeNull();
    }
    // A day-aligned range in the query's own zone is not aligned in UTC.
    expect(
      routeOf({
        ...users,
        timeDimensions: [{ ...day, dateRange: ["2024-03-01", "2024-03-03"] }],
        timezone: "Asia/Tokyo",
      }),
    ).toBeNull();
  });

  it("follow the generator's path, a project's deletion and a changed definition", async () => {
    const first = await openStore();
    const events = dataset();
    await first.store.insertEvents(events.slice(0, 300));
    await first.store.insertEvents(events.slice(300));
    const query = {
      measures: ["TrackedEvents.uniqueUsersCount", "TrackedEvents.count"],
      timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity: "day" }],
      limit: 5000,
    };
    const figures = async (store: DuckDbStore, projectId: string, rollups: boolean) =>
      (
        await runCompiled(
          store,
          compileQuery(builtInModel(), query, { projectId, dialect: "duckdb", now: NOW, rollups }),
          NOW,
        )
      )[0]?.data;
    for (const projectId of ["alpha", "beta"])
      expect(await figures(first.store, projectId, true)).toEqual(
        await figures(first.store, projectId, false),
      );

    await first.store.deleteProject("beta");
    for (const table of ["rollup_tracked_events_users", "rollup_tracked_events_pages_daily"])
      expect(await first.store.query(`SELECT * FROM ${table} WHERE project_id = 'beta'`)).toEqual(
        [],
      );

    // A table whose definition changed (here: a stale fingerprint and lost rows) is rebuilt
    // at open; one the model no longer has is dropped.
    await first.store.query(
      "UPDATE rollup_tables SET fingerprint = 'old' WHERE name = 'rollup_tracked_events_users_daily'",
    );
    await first.store.query("DELETE FROM rollup_tracked_events_users_daily");
    await first.store.query("CREATE TABLE rollup_tracked_events_gone (x INTEGER)");
    await first.store.query("INSERT INTO rollup_tables VALUES ('rollup_tracked_events_gone', 'x')");
    await first.store.close();
    stores.splice(0);
    const again = await openStore(first.dataDir);
    expect(await figures(again.store, "alpha", true)).toEqual(
      await figures(again.store, "alpha", false),
    );
    expect(
      await again.store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name = 'rollup_tracked_events_gone'",
      ),
    ).toEqual([]);
  });

  it("reject what a rollup cannot keep, naming the file and line", () => {
    const model = builtInModel();
    expect(model.cubes.get("TrackedEvents")?.rollups.map((r) => r.name)).toContain("usersDaily");
    // The operator's model files may carry Cube's pre_aggregations: accepted, not kept.
    const dir = mkdtempSync(join(tmpdir(), "glimpse-model-"));
    dirs.push(dir);
    writeFileSync(
      join(dir, "mine.yaml"),
      `cubes:
  - name: Mine
    sql_table: events
    measures:
      - { name: avgIndex, type: avg, sql: "{CUBE}.session_index" }
    pre_aggregations:
      - name: main
        measures: [CUBE.avgIndex]
`,
    );
    expect(loadModel(dir).cubes.get("Mine")?.rollups).toEqual([]);
  });
});

describe("rollup definitions", () => {
  it("are checked when the built-in model compiles", async () => {
    const { compileModel } = await import("../../src/query/model/compile-model.js");
    const { parseModelFile } = await import("../../src/query/model/load-model.js");
    const compileBuiltIn = (text: string) =>
      compileModel([{ ...parseModelFile("builtin.yaml", text), builtIn: true }]);
    const cube = (preAggregations: string) => `cubes:
  - name: Mine
    sql_table: events
    measures:
      - { name: count, type: count }
      - { name: avgIndex, type: avg, sql: "{CUBE}.session_index" }
      - { name: users, type: countDistinct, sql: "{CUBE}.user_id" }
      - { name: sessions, type: countDistinct, sql: "{CUBE}.session_id" }
    dimensions:
      - { name: agent, type: string, sql: "{CUBE}.agent_name" }
      - { name: at, type: time, sql: "{CUBE}.derived_tstamp" }
    pre_aggregations:
${preAggregations}`;
    const error = (text: string) => {
      try {
        compileBuiltIn(cube(text));
      } catch (e) {
        if (e instanceof ModelError) return e.message;
        throw e;
      }
      throw new Error("no error");
    };
    expect(error("      - { name: a, measures: [CUBE.avgIndex] }")).toMatch(
      /builtin\.yaml:13: .*Mine\.avgIndex \(avg\) cannot be kept in a rollup/,
    );
    expect(error("      - { name: a, measures: [users, sessions] }")).toMatch(
      /at most one countDistinct/,
    );
    expect(error("      - { name: a, measures: [nothing] }")).toMatch(/unknown measure nothing/);
    expect(error("      - { name: a, measures: [count], dimensions: [at] }")).toMatch(
      /is a time: name it as time_dimension/,
    );
    expect(error("      - { name: a, measures: [count], time_dimension: at }")).toMatch(
      /needs a granularity/,
    );
    expect(
      error("      - { name: a, measures: [count], time_dimension: at, granularity: hour }"),
    ).toMatch(/pre_aggregations\.0\.granularity: must be day/);
    expect(
      error(
        "      - { name: pagesDaily, measures: [count] }\n      - { name: pages_daily, measures: [count] }",
      ),
    ).toMatch(/pages_daily would share table rollup_mine_pages_daily/);
    const ok = compileBuiltIn(
      cube(
        "      - { name: a, measures: [Mine.count, users], dimensions: [agent], time_dimension: at, granularity: day }",
      ),
    );
    expect(ok.cubes.get("Mine")?.rollups[0]).toMatchObject({
      table: "rollup_mine_a",
      distinct: { name: "users" },
      time: { granularity: "day" },
    });
  });
});
