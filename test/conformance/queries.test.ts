/**
 * Conformance of the query path on every store: the same events loaded through the
 * write-ahead-log path, the same Cube queries compiled for the store's dialect, and answers
 * checked against figures computed in plain JavaScript (test/query/support/expected.ts). Then
 * a battery of queries over every query feature must give ClickHouse exactly DuckDB's answers.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/events/event.js";
import { BUILTIN_QUERIES } from "../../src/query/builtin-queries.js";
import { GRANULARITIES } from "../../src/query/query-schema.js";
import { buildEvents, DAY, START } from "../query/support/dataset.js";
import { expectedFigures, sessionsOf } from "../query/support/expected.js";
import { type DataRow, rowsOf, runQuery } from "./support/run-query.js";
import { segmentDir, writeSegment } from "./support/segments.js";
import { type OpenedStore, STORE_KINDS } from "./support/stores.js";

const events = [...buildEvents("alpha", 1, 60), ...buildEvents("beta", 2, 10)];
const alpha = events.filter((e) => e.project_id === "alpha" && !e.is_bot);
const expected = expectedFigures(events, "alpha");
const where = (test: (e: StoredEvent) => boolean) => alpha.filter(test).length;

const opened = new Map<string, OpenedStore>();
const dir = segmentDir();

beforeAll(async () => {
  await Promise.all(
    STORE_KINDS.filter((k) => k.skip === null).map(async (kind) => {
      const o = await kind.open();
      for (const project of ["alpha", "beta"]) await o.store.createProject(project);
      // Two segments, as the batch writer hands them over.
      const half = Math.floor(events.length / 2);
      await o.store.loadSegments([
        writeSegment(dir, events.slice(0, half)),
        writeSegment(dir, events.slice(half)),
      ]);
      opened.set(kind.name, o);
    }),
  );
});
afterAll(async () => {
  await Promise.all([...opened.values()].map((o) => o.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

describe.each(STORE_KINDS)("$name store", (kind) => {
  const store = () => (opened.get(kind.name) as OpenedStore).store;
  const rows = (query: unknown, project = "alpha") => rowsOf(store(), project, query);
  const count = async (filters: unknown[], extra: Record<string, unknown> = {}) =>
    Number(
      (await rows({ measures: ["TrackedEvents.count"], filters, ...extra }))[0]?.[
        "TrackedEvents.count"
      ],
    );
  const single = async (name: string, member: string) =>
    Number((await rows(BUILTIN_QUERIES[name]))[0]?.[member]);

  describe.skipIf(kind.skip !== null)(
    `queries${kind.skip ? ` (skipped: ${kind.skip})` : ""}`,
    () => {
      it("built-in single stats", async () => {
        expect(await single("total_unique_users", "TrackedEvents.uniqueUsersCount")).toBe(
          expected.total_unique_users,
        );
        expect(await single("total_sessions", "Sessions.count")).toBe(expected.total_sessions);
        expect(
          await single("average_session_duration", "Sessions.averageDurationMinutes"),
        ).toBeCloseTo(expected.average_session_duration, 9);
        expect(await single("average_sessions_per_user", "Sessions.averagePerUser")).toBeCloseTo(
          expected.average_sessions_per_user,
          9,
        );
        expect(await single("returning_users_percentage", "Sessions.repeatPercent")).toBeCloseTo(
          expected.returning_users_percentage,
          9,
        );
        expect(await single("total_events", "TrackedEvents.count")).toBe(expected.total_events);
        expect(await single("total_pageviews", "TrackedEvents.pageViewsCount")).toBe(
          expected.total_pageviews,
        );
      });

      it.each([
        ["daily_active_users", "TrackedEvents.derivedTstamp.day", "TrackedEvents.uniqueUsersCount"],
        ["page_views_over_time", "TrackedEvents.derivedTstamp.day", "TrackedEvents.pageViewsCount"],
        ["events_over_time", "TrackedEvents.derivedTstamp.day", "TrackedEvents.count"],
        ["sessions_over_time", "Sessions.startAt.day", "Sessions.count"],
      ] as const)("built-in line chart %s", async (name, time, measure) => {
        const data = await rows(BUILTIN_QUERIES[name]);
        const got = new Map(data.map((row) => [row[time], Number(row[measure])]));
        const want = new Map([...expected[name]].filter(([, v]) => v > 0));
        expect(got).toEqual(want);
        const days = data.map((row) => row[time] as string);
        expect(days).toEqual([...days].sort());
      });

      it.each([
        [
          "browsers_per_users",
          ["TrackedEvents.agentName", "TrackedEvents.agentVersion"],
          "TrackedEvents.uniqueUsersCount",
        ],
        ["sessions_per_browser", ["Sessions.agentName", "Sessions.agentVersion"], "Sessions.count"],
        [
          "top_pages",
          ["TrackedEvents.pageUrlpath", "TrackedEvents.pageUrl"],
          "TrackedEvents.pageViewsCount",
        ],
      ] as const)("built-in table %s", async (name, dims, measure) => {
        const data = await rows(BUILTIN_QUERIES[name]);
        const got = new Map(data.map((r) => [`${r[dims[0]]}|${r[dims[1]]}`, Number(r[measure])]));
        expect(got).toEqual(expected[name]);
        const values = data.map((r) => Number(r[measure]));
        expect(values).toEqual([...values].sort((a, b) => b - a));
      });

      const member = "TrackedEvents.pageUrlpath";
      it.each([
        ["equals", ["/docs", "/blog"], (p: string | null) => p === "/docs" || p === "/blog"],
        ["notEquals", ["/docs"], (p: string | null) => p !== "/docs"],
        ["contains", ["DOC"], (p: string | null) => !!p?.includes("doc")],
        ["notContains", ["doc"], (p: string | null) => !p?.includes("doc")],
        ["startsWith", ["/b"], (p: string | null) => !!p?.startsWith("/b")],
        ["notStartsWith", ["/b"], (p: string | null) => !p?.startsWith("/b")],
        ["endsWith", ["SDK"], (p: string | null) => !!p?.endsWith("sdk")],
        ["notEndsWith", ["sdk"], (p: string | null) => !p?.endsWith("sdk")],
        ["set", [], (p: string | null) => p !== null],
        ["notSet", [], (p: string | null) => p === null],
      ] as const)("filter %s", async (operator, values, test) => {
        expect(await count([{ member, operator, values }])).toBe(
          where((e) => test(e.page_urlpath)),
        );
      });

      it("filters numbers, dates, booleans and nested and/or", async () => {
        const sessionIndex = "TrackedEvents.sessionIndex";
        expect(await count([{ member: sessionIndex, operator: "gt", values: ["2"] }])).toBe(
          where((e) => (e.session_index ?? 0) > 2),
        );
        expect(await count([{ member: sessionIndex, operator: "lte", values: ["1"] }])).toBe(
          where((e) => e.session_index !== null && e.session_index <= 1),
        );
        const time = "TrackedEvents.derivedTstamp";
        const mid = START + 7 * DAY;
        expect(
          await count([{ member: time, operator: "beforeDate", values: ["2024-03-08"] }]),
        ).toBe(where((e) => e.derived_tstamp < mid));
        expect(
          await count([{ member: time, operator: "afterOrOnDate", values: ["2024-03-08"] }]),
        ).toBe(where((e) => e.derived_tstamp >= mid));
        expect(
          await count([
            { member: time, operator: "inDateRange", values: ["2024-03-02", "2024-03-03"] },
          ]),
        ).toBe(where((e) => e.derived_tstamp >= START + DAY && e.derived_tstamp < START + 3 * DAY));
        expect(
          await count([
            { member: time, operator: "notInDateRange", values: ["2024-03-02", "2024-03-03"] },
          ]),
        ).toBe(where((e) => e.derived_tstamp < START + DAY || e.derived_tstamp >= START + 3 * DAY));
        expect(
          await count([
            { member: "TrackedEvents.anonymous", operator: "equals", values: ["true"] },
          ]),
        ).toBe(where((e) => e.anonymous));
        const nested = [
          {
            or: [
              { member: "TrackedEvents.agentName", operator: "equals", values: ["Safari"] },
              {
                and: [
                  { member: "TrackedEvents.agentName", operator: "equals", values: ["Chrome"] },
                  { member: "TrackedEvents.eventType", operator: "equals", values: ["link_click"] },
                ],
              },
            ],
          },
        ];
        expect(await count(nested)).toBe(
          where(
            (e) =>
              e.agent_name === "Safari" ||
              (e.agent_name === "Chrome" && e.event_type === "link_click"),
          ),
        );
        expect(
          await count([
            { member: "TrackedEvents.eventType", operator: "equals", values: ["pageview"] },
          ]),
        ).toBe(where((e) => e.event_type === "page_view"));
      });

      it("segments: bots only when asked, known users", async () => {
        expect(await count([])).toBe(alpha.length);
        expect(await count([], { segments: ["TrackedEvents.includingBots"] })).toBe(
          events.filter((e) => e.project_id === "alpha").length,
        );
        expect(await count([], { segments: ["TrackedEvents.knownUsers"] })).toBe(
          where((e) => e.user_id !== null),
        );
      });

      it("sessions: first and repeat sessions, next session start", async () => {
        const sessions = sessionsOf(alpha);
        const byUser = new Map<string, typeof sessions>();
        for (const s of [...sessions].sort(
          (a, b) => a.start - b.start || a.id.localeCompare(b.id),
        )) {
          if (!s.user) continue;
          byUser.set(s.user, [...(byUser.get(s.user) ?? []), s]);
        }
        const firsts = sessions.filter((s) => !s.user || byUser.get(s.user)?.[0] === s).length;
        const got = await rows({ measures: ["Sessions.count"], dimensions: ["Sessions.isFirst"] });
        expect(
          new Map(got.map((r) => [r["Sessions.isFirst"], Number(r["Sessions.count"])])),
        ).toEqual(
          new Map([
            [true, firsts],
            [false, sessions.length - firsts],
          ]),
        );
        const seg = await rows({
          measures: ["Sessions.count"],
          segments: ["Sessions.repeatSessions"],
        });
        expect(Number(seg[0]?.["Sessions.count"])).toBe(sessions.length - firsts);
        const next = await rows({
          dimensions: ["Sessions.sessionID", "Sessions.nextStartAt"],
          order: { "Sessions.sessionID": "asc" },
          limit: 50_000,
        });
        const want = new Map<string, string | null>();
        for (const list of byUser.values())
          list.forEach((s, i) => {
            const n = list[i + 1];
            want.set(s.id, n ? `${new Date(n.start).toISOString().slice(0, 23)}` : null);
          });
        for (const s of sessions) if (!s.user) want.set(s.id, null);
        expect(
          new Map(next.map((r) => [r["Sessions.sessionID"], r["Sessions.nextStartAt"]])),
        ).toEqual(want);
      });

      it("order, limit, offset and total", async () => {
        const query = { measures: ["TrackedEvents.count"], dimensions: [member] };
        const full = await rows({ ...query, order: { [member]: "asc" } });
        const [page] = await runQuery(store(), "alpha", {
          ...query,
          order: { [member]: "asc" },
          limit: 2,
          offset: 1,
          total: true,
        });
        expect(page?.data).toEqual(full.slice(1, 3));
        expect(page?.total).toBe(full.length);
      });

      it("ungrouped rows", async () => {
        const data = await rows({
          dimensions: ["TrackedEvents.eventId"],
          measures: ["TrackedEvents.pageViewsCount"],
          ungrouped: true,
          limit: 50_000,
        });
        expect(data).toHaveLength(alpha.length);
        expect(data.reduce((s, r) => s + Number(r["TrackedEvents.pageViewsCount"]), 0)).toBe(
          where((e) => e.event_type === "page_view"),
        );
      });

      it("buckets in the query's time zone, at every granularity", async () => {
        for (const [zone, hours] of [
          ["America/New_York", -5],
          ["Asia/Tokyo", 9],
        ] as const) {
          const data = await rows({
            measures: ["TrackedEvents.count"],
            timeDimensions: [
              {
                dimension: "TrackedEvents.derivedTstamp",
                granularity: "day",
                dateRange: ["2024-03-02", "2024-03-03"],
              },
            ],
            timezone: zone,
          });
          for (const r of data) {
            const local =
              Date.parse(`${r["TrackedEvents.derivedTstamp.day"]}Z`) - hours * 3_600_000;
            expect(Number(r["TrackedEvents.count"])).toBe(
              where((e) => e.derived_tstamp >= local && e.derived_tstamp < local + DAY),
            );
          }
        }
        for (const granularity of GRANULARITIES) {
          const data = await rows({
            measures: ["TrackedEvents.count"],
            timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity }],
            limit: 50_000,
          });
          expect(
            data.reduce((s, r) => s + Number(r["TrackedEvents.count"]), 0),
            granularity,
          ).toBe(alpha.length);
        }
      });

      it("keeps projects apart", async () => {
        const beta = events.filter((e) => e.project_id === "beta" && !e.is_bot);
        expect(
          Number(
            (await rows({ measures: ["TrackedEvents.count"] }, "beta"))[0]?.["TrackedEvents.count"],
          ),
        ).toBe(beta.length);
        expect(await rows({ measures: ["TrackedEvents.count"] }, "nobody")).toEqual([
          { "TrackedEvents.count": "0" },
        ]);
      });
    },
  );
});

/** Every query feature, for the differential check below. */
const BATTERY: Array<[string, Record<string, unknown>]> = [
  ...Object.entries(BUILTIN_QUERIES),
  [
    "jitsu cube",
    {
      measures: ["Jitsu.count", "Jitsu.uniqueUsersCount", "Jitsu.pageViewsCount"],
      dimensions: ["Jitsu.docPath", "Jitsu.eventType"],
    },
  ],
  [
    "returning users",
    {
      measures: [
        "ReturningUsers.count",
        "ReturningUsers.returningUserPercentage",
        "ReturningUsers.allSessionsCount",
      ],
      dimensions: ["ReturningUsers.sessionsCount"],
    },
  ],
  [
    "returning segment",
    {
      measures: ["ReturningUsers.count"],
      segments: ["ReturningUsers.returningUsers"],
      timeDimensions: [{ dimension: "ReturningUsers.first_timestamp", granularity: "week" }],
    },
  ],
  [
    "sessions by everything",
    {
      measures: [
        "Sessions.count",
        "Sessions.usersCount",
        "Sessions.averageNumberEvents",
        "Sessions.repeatCount",
      ],
      dimensions: [
        "Sessions.pageUrlpath",
        "Sessions.osFamily",
        "Sessions.isFirst",
        "Sessions.userId",
      ],
      limit: 5000,
    },
  ],
  [
    "session listing",
    {
      dimensions: [
        "Sessions.sessionID",
        "Sessions.startAt",
        "Sessions.endAt",
        "Sessions.nextStartAt",
        "Sessions.durationMinutes",
        "Sessions.numberEvents",
        "Sessions.pageTitle",
      ],
      limit: 5000,
    },
  ],
  [
    "first sessions per week, Berlin",
    {
      measures: ["Sessions.count"],
      segments: ["Sessions.firstSessions"],
      timeDimensions: [
        {
          dimension: "Sessions.startAt",
          granularity: "week",
          dateRange: ["2024-03-01", "2024-03-20"],
        },
      ],
      timezone: "Europe/Berlin",
    },
  ],
  [
    "measure filter",
    {
      measures: ["TrackedEvents.count"],
      dimensions: ["TrackedEvents.agentName"],
      filters: [{ member: "TrackedEvents.count", operator: "gt", values: ["100"] }],
    },
  ],
  [
    "measureFilter",
    {
      measures: ["TrackedEvents.count"],
      filters: [{ member: "TrackedEvents.pageViewsCount", operator: "measureFilter" }],
    },
  ],
  [
    "hourly in Kolkata",
    {
      measures: [
        "TrackedEvents.count",
        "TrackedEvents.linkClicksCount",
        "TrackedEvents.customEventsCount",
      ],
      timeDimensions: [
        {
          dimension: "TrackedEvents.derivedTstamp",
          granularity: "hour",
          dateRange: ["2024-03-02", "2024-03-03"],
        },
      ],
      timezone: "Asia/Kolkata",
    },
  ],
  [
    "by month, quarter, year",
    {
      measures: ["TrackedEvents.count"],
      timeDimensions: [{ dimension: "TrackedEvents.collectorTstamp", granularity: "quarter" }],
      dimensions: ["TrackedEvents.eventName"],
    },
  ],
  [
    "relative range",
    {
      measures: ["TrackedEvents.sessionsCount"],
      timeDimensions: [
        { dimension: "TrackedEvents.derivedTstamp", granularity: "day", dateRange: "last 7 days" },
      ],
    },
  ],
  [
    "compare ranges",
    {
      measures: ["TrackedEvents.count"],
      timeDimensions: [
        {
          dimension: "TrackedEvents.derivedTstamp",
          granularity: "day",
          compareDateRange: [
            ["2024-03-01", "2024-03-03"],
            ["2024-03-04", "2024-03-06"],
          ],
        },
      ],
    },
  ],
  [
    "base url, urls, bots",
    {
      measures: ["TrackedEvents.count"],
      dimensions: ["TrackedEvents.baseUrl", "TrackedEvents.isBot", "TrackedEvents.anonymous"],
      segments: ["TrackedEvents.includingBots"],
    },
  ],
  [
    "string operators",
    {
      measures: ["TrackedEvents.count"],
      filters: [
        { member: "TrackedEvents.pageTitle", operator: "notStartsWith", values: ["page /d", "x"] },
        { member: "TrackedEvents.targetUrl", operator: "notSet" },
        {
          member: "TrackedEvents.userId",
          operator: "notEquals",
          values: ["alpha-user0", "alpha-user3"],
        },
      ],
    },
  ],
  [
    "date operators",
    {
      measures: ["TrackedEvents.count"],
      filters: [
        {
          member: "TrackedEvents.derivedTstamp",
          operator: "afterDate",
          values: ["2024-03-03T12:00:00"],
        },
        {
          member: "TrackedEvents.derivedTstamp",
          operator: "beforeOrOnDate",
          values: ["2024-03-09"],
        },
      ],
    },
  ],
  [
    "numbers and offsets",
    {
      measures: ["TrackedEvents.count"],
      dimensions: ["TrackedEvents.sessionIndex"],
      filters: [
        { member: "TrackedEvents.sessionIndex", operator: "gte", values: ["1.5"] },
        { member: "TrackedEvents.sessionIndex", operator: "lt", values: ["4"] },
      ],
      order: { "TrackedEvents.sessionIndex": "desc" },
      limit: 2,
      offset: 1,
      total: true,
    },
  ],
  [
    "ungrouped listing",
    {
      dimensions: [
        "TrackedEvents.eventId",
        "TrackedEvents.derivedTstamp",
        "TrackedEvents.pageUrl",
        "TrackedEvents.sessionIndex",
        "TrackedEvents.anonymous",
      ],
      order: { "TrackedEvents.eventId": "asc" },
      ungrouped: true,
      limit: 300,
    },
  ],
  [
    "hostile value",
    {
      measures: ["TrackedEvents.count"],
      filters: [
        {
          member: "TrackedEvents.pageUrlpath",
          operator: "contains",
          values: ["'; DROP TABLE events; --", "\\'{p1:String}", "/docs"],
        },
      ],
    },
  ],
];

/** Rows in a stable order, numbers rounded past float summation noise. */
function normal(data: readonly DataRow[]): string[] {
  return data
    .map((row) =>
      JSON.stringify(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === "string" && /^-?\d+\.\d+(e[+-]?\d+)?$/.test(v)
            ? Number(v).toPrecision(12)
            : v,
        ]),
      ),
    )
    .sort();
}

const clickhouse = STORE_KINDS.find((k) => k.name === "clickhouse");
describe.skipIf(clickhouse?.skip !== null)(
  `ClickHouse answers every query feature as DuckDB does${clickhouse?.skip ? ` (skipped: ${clickhouse.skip})` : ""}`,
  () => {
    it.each(BATTERY)("%s", async (_, query) => {
      const duck = await runQuery((opened.get("duckdb") as OpenedStore).store, "alpha", {
        ...query,
      });
      const ch = await runQuery((opened.get("clickhouse") as OpenedStore).store, "alpha", {
        ...query,
      });
      expect(ch.length).toBe(duck.length);
      ch.forEach((result, i) => {
        const d = duck[i];
        expect(result.data.length, "rows").toBeGreaterThan(0);
        expect(normal(result.data)).toEqual(normal(d?.data ?? []));
        expect(result.total).toBe(d?.total);
      });
    });
  },
);
