/**
 * The Cube query format over HTTP: filters, segments, order, limits, totals, zero fill,
 * timezones, relative ranges, compared ranges, blending, ungrouped queries and 400s.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/events/event.js";
import { GRANULARITIES } from "../../src/query/query-schema.js";
import { buildEvents, DAY, EMPTY_DAY, NOW, START } from "./support/dataset.js";
import { type QueryServer, startQueryServer } from "./support/server.js";

const events = [...buildEvents("alpha", 1, 40), ...buildEvents("beta", 2, 8)];
const alpha = events.filter((e) => e.project_id === "alpha" && !e.is_bot);
let server: QueryServer;

beforeAll(async () => {
  server = await startQueryServer(["alpha", "beta"], events, { now: () => NOW });
});
afterAll(async () => server?.close());

async function data(query: Record<string, unknown>) {
  const { status, body } = await server.post("load", "alpha", { query });
  expect(status, JSON.stringify(body)).toBe(200);
  return body.data as Record<string, string | boolean | null>[];
}
async function count(filters: unknown[], extra: Record<string, unknown> = {}) {
  const rows = await data({ measures: ["TrackedEvents.count"], filters, ...extra });
  return Number(rows[0]?.["TrackedEvents.count"]);
}
async function error(query: unknown) {
  const { status, body } = await server.post("load", "alpha", { query });
  expect(status).toBe(400);
  return body.error as string;
}
const where = (test: (e: StoredEvent) => boolean) => alpha.filter(test).length;
const dayLabel = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)}T00:00:00.000`;

describe("filters", () => {
  const member = "TrackedEvents.pageUrlpath";
  it.each([
    ["equals", ["/docs", "/blog"], (p: string | null) => p === "/docs" || p === "/blog"],
    ["notEquals", ["/docs"], (p: string | null) => p !== "/docs"],
    ["contains", ["DOC"], (p: string | null) => !!p?.includes("doc")],
    ["notContains", ["doc"], (p: string | null) => !p?.includes("doc")],
    ["startsWith", ["/b"], (p: string | null) => !!p?.startsWith("/b")],
    ["notStartsWith", ["/b"], (p: string | null) => !p?.startsWith("/b")],
    ["endsWith", ["sdk"], (p: string | null) => !!p?.endsWith("sdk")],
    ["notEndsWith", ["sdk"], (p: string | null) => !p?.endsWith("sdk")],
    ["set", [], (p: string | null) => p !== null],
    ["notSet", [], (p: string | null) => p === null],
  ] as const)("%s", async (operator, values, test) => {
    expect(await count([{ member, operator, values }])).toBe(where((e) => test(e.page_urlpath)));
  });

  it("compares numbers and dates", async () => {
    const sessionIndex = "TrackedEvents.sessionIndex";
    expect(await count([{ member: sessionIndex, operator: "gt", values: ["2"] }])).toBe(
      where((e) => (e.session_index ?? 0) > 2),
    );
    expect(await count([{ member: sessionIndex, operator: "lte", values: ["1"] }])).toBe(
      where((e) => e.session_index !== null && e.session_index <= 1),
    );
    const time = "TrackedEvents.derivedTstamp";
    const mid = START + 7 * DAY;
    expect(await count([{ member: time, operator: "beforeDate", values: ["2024-03-08"] }])).toBe(
      where((e) => e.derived_tstamp < mid),
    );
    expect(await count([{ member: time, operator: "afterOrOnDate", values: ["2024-03-08"] }])).toBe(
      where((e) => e.derived_tstamp >= mid),
    );
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
  });

  it("nests and/or", async () => {
    const filters = [
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
    expect(await count(filters)).toBe(
      where(
        (e) =>
          e.agent_name === "Safari" || (e.agent_name === "Chrome" && e.event_type === "link_click"),
      ),
    );
  });

  it("matches Jitsu's pageview as page_view", async () => {
    const pageViews = where((e) => e.event_type === "page_view");
    for (const value of ["pageview", "page_view"]) {
      expect(
        await count([{ member: "TrackedEvents.eventType", operator: "equals", values: [value] }]),
      ).toBe(pageViews);
    }
    const rows = await data({
      measures: ["TrackedEvents.count"],
      dimensions: ["TrackedEvents.docPath"],
    });
    expect(rows.length).toBeGreaterThan(1);
  });

  it("filters on measures after grouping, and applies a measure's own filters", async () => {
    const rows = await data({
      measures: ["TrackedEvents.count"],
      dimensions: ["TrackedEvents.agentName"],
      filters: [{ member: "TrackedEvents.count", operator: "gt", values: ["100"] }],
    });
    const byAgent = new Map<string, number>();
    for (const e of alpha)
      byAgent.set(String(e.agent_name), (byAgent.get(String(e.agent_name)) ?? 0) + 1);
    expect(rows.map((r) => r["TrackedEvents.agentName"]).sort()).toEqual(
      [...byAgent]
        .filter(([, n]) => n > 100)
        .map(([a]) => a)
        .sort(),
    );
    expect(
      await count([{ member: "TrackedEvents.pageViewsCount", operator: "measureFilter" }]),
    ).toBe(where((e) => e.event_type === "page_view"));
  });
});

describe("segments", () => {
  it("leaves bots out unless includingBots is asked for", async () => {
    expect(await count([])).toBe(alpha.length);
    const all = events.filter((e) => e.project_id === "alpha").length;
    expect(await count([], { segments: ["TrackedEvents.includingBots"] })).toBe(all);
    expect(await count([], { segments: ["TrackedEvents.knownUsers"] })).toBe(
      where((e) => e.user_id !== null),
    );
  });

  it("ReturningUsers has its segment and percentage", async () => {
    const rows = await data({
      measures: ["ReturningUsers.count", "ReturningUsers.returningUserPercentage"],
    });
    const sessionsByUser = new Map<string, Set<string>>();
    for (const e of alpha) {
      const key = e.domain_userid ?? e.user_id;
      if (!key) continue;
      const set = sessionsByUser.get(key) ?? new Set();
      if (e.session_id) set.add(e.session_id);
      sessionsByUser.set(key, set);
    }
    const returning = [...sessionsByUser.values()].filter((s) => s.size > 1).length;
    expect(Number(rows[0]?.["ReturningUsers.count"])).toBe(sessionsByUser.size);
    expect(Number(rows[0]?.["ReturningUsers.returningUserPercentage"])).toBeCloseTo(
      (100 * returning) / sessionsByUser.size,
      9,
    );
    const seg = await data({
      measures: ["ReturningUsers.count"],
      segments: ["ReturningUsers.returningUsers"],
    });
    expect(Number(seg[0]?.["ReturningUsers.count"])).toBe(returning);
  });
});

describe("order, limit, offset, total", () => {
  const query = { measures: ["TrackedEvents.count"], dimensions: ["TrackedEvents.pageUrlpath"] };

  it("orders by the first measure descending by default, or as asked", async () => {
    const rows = await data(query);
    const counts = rows.map((r) => Number(r["TrackedEvents.count"]));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const byPath = await data({ ...query, order: [["TrackedEvents.pageUrlpath", "asc"]] });
    const paths = byPath.map((r) => r["TrackedEvents.pageUrlpath"]);
    expect(paths).toEqual([...paths].sort());
    const byObject = await data({ ...query, order: { "TrackedEvents.pageUrlpath": "desc" } });
    expect(byObject.map((r) => r["TrackedEvents.pageUrlpath"])).toEqual([...paths].reverse());
  });

  it("pages with limit and offset and counts the total", async () => {
    const full = await data({ ...query, order: { "TrackedEvents.pageUrlpath": "asc" } });
    const { body } = await server.post("load", "alpha", {
      query: {
        ...query,
        order: { "TrackedEvents.pageUrlpath": "asc" },
        limit: 2,
        offset: 1,
        total: true,
      },
    });
    expect(body.data).toEqual(full.slice(1, 3));
    expect(body.total).toBe(full.length);
  });

  it("returns single rows of an ungrouped query", async () => {
    const rows = await data({
      dimensions: ["TrackedEvents.eventId"],
      measures: ["TrackedEvents.pageViewsCount"],
      ungrouped: true,
      limit: 50_000,
    });
    expect(rows).toHaveLength(alpha.length);
    expect(rows.reduce((s, r) => s + Number(r["TrackedEvents.pageViewsCount"]), 0)).toBe(
      where((e) => e.event_type === "page_view"),
    );
  });
});

describe("time", () => {
  const byDay = (dateRange: unknown, timezone = "UTC") => ({
    measures: ["TrackedEvents.count"],
    timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity: "day", dateRange }],
    timezone,
  });

  it("fills every day of a bounded range, 0 where nothing happened", async () => {
    const rows = await data(byDay(["2024-03-03", "2024-03-07"]));
    expect(rows.map((r) => r["TrackedEvents.derivedTstamp.day"])).toEqual([
      "2024-03-03T00:00:00.000",
      "2024-03-04T00:00:00.000",
      "2024-03-05T00:00:00.000",
      "2024-03-06T00:00:00.000",
      "2024-03-07T00:00:00.000",
    ]);
    const empty = rows.find((r) => r["TrackedEvents.derivedTstamp.day"] === dayLabel(EMPTY_DAY));
    expect(empty?.["TrackedEvents.count"]).toBe("0");
    for (const r of rows) {
      const start = Date.parse(`${r["TrackedEvents.derivedTstamp.day"]}Z`);
      expect(Number(r["TrackedEvents.count"])).toBe(
        where((e) => e.derived_tstamp >= start && e.derived_tstamp < start + DAY),
      );
    }
  });

  it("buckets in the query's timezone", async () => {
    for (const [zone, hours] of [
      ["America/New_York", -5],
      ["Asia/Tokyo", 9],
    ] as const) {
      const rows = await data(byDay(["2024-03-02", "2024-03-03"], zone));
      for (const r of rows) {
        const localStart =
          Date.parse(`${r["TrackedEvents.derivedTstamp.day"]}Z`) - hours * 3_600_000;
        expect(
          Number(r["TrackedEvents.count"]),
          `${zone} ${r["TrackedEvents.derivedTstamp.day"]}`,
        ).toBe(where((e) => e.derived_tstamp >= localStart && e.derived_tstamp < localStart + DAY));
      }
    }
  });

  it.each([
    ["today", ["2024-03-15T00:00:00.000", "2024-03-15T23:59:59.999"]],
    ["yesterday", ["2024-03-14T00:00:00.000", "2024-03-14T23:59:59.999"]],
    ["last 7 days", ["2024-03-08T00:00:00.000", "2024-03-14T23:59:59.999"]],
    ["this week", ["2024-03-11T00:00:00.000", "2024-03-17T23:59:59.999"]],
    ["last week", ["2024-03-04T00:00:00.000", "2024-03-10T23:59:59.999"]],
    ["this month", ["2024-03-01T00:00:00.000", "2024-03-31T23:59:59.999"]],
    ["last month", ["2024-02-01T00:00:00.000", "2024-02-29T23:59:59.999"]],
    ["this quarter", ["2024-01-01T00:00:00.000", "2024-03-31T23:59:59.999"]],
    ["last year", ["2023-01-01T00:00:00.000", "2023-12-31T23:59:59.999"]],
    ["last 2 months", ["2024-01-01T00:00:00.000", "2024-02-29T23:59:59.999"]],
    ["from 3 days ago to now", ["2024-03-12T00:00:00.000", "2024-03-15T23:59:59.999"]],
  ])("reads the relative range %s", async (range, expected) => {
    const { body } = await server.post("load", "alpha", { query: byDay(range) });
    expect(body.query.timeDimensions[0].dateRange).toEqual(expected);
    const from = Date.parse(`${expected[0]}Z`);
    const to = Date.parse(`${expected[1]}Z`);
    const total = body.data.reduce(
      (s: number, r: Record<string, string>) => s + Number(r["TrackedEvents.count"]),
      0,
    );
    expect(total).toBe(where((e) => e.derived_tstamp >= from && e.derived_tstamp <= to));
  });

  it("buckets by every granularity", async () => {
    for (const granularity of GRANULARITIES) {
      const rows = await data({
        measures: ["TrackedEvents.count"],
        timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity }],
        limit: 50_000,
      });
      expect(
        rows.reduce((s, r) => s + Number(r["TrackedEvents.count"]), 0),
        granularity,
      ).toBe(alpha.length);
      expect(rows[0]?.[`TrackedEvents.derivedTstamp.${granularity}`]).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
      );
    }
    const weeks = await data({
      measures: ["TrackedEvents.count"],
      timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity: "week" }],
    });
    expect(weeks[0]?.["TrackedEvents.derivedTstamp.week"]).toBe("2024-02-26T00:00:00.000");
  });
});

describe("multi, compare and blending", () => {
  it("compares date ranges", async () => {
    const { status, body } = await server.post("load", "alpha", {
      queryType: "multi",
      query: {
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
    });
    expect(status).toBe(200);
    expect(body.queryType).toBe("compareDateRangeQuery");
    expect(body.results).toHaveLength(2);
    expect(body.pivotQuery.dimensions).toContain("compareDateRange");
    expect(body.results[1].data[0].compareDateRange).toBe(
      "2024-03-04T00:00:00.000 - 2024-03-06T23:59:59.999",
    );
    expect(body.results[1].data).toHaveLength(3);
  });

  it("refuses a compared query without queryType multi", async () => {
    const message = await error({
      measures: ["TrackedEvents.count"],
      timeDimensions: [
        { dimension: "TrackedEvents.derivedTstamp", compareDateRange: ["today", "yesterday"] },
      ],
    });
    expect(message).toMatch(/query type is not supported/);
  });

  it("answers several queries as a blending query", async () => {
    const { body } = await server.post("load", "alpha", {
      queryType: "multi",
      query: [{ measures: ["TrackedEvents.count"] }, { measures: ["Sessions.count"] }],
    });
    expect(body.queryType).toBe("blendingQuery");
    expect(
      body.results.map((r: { data: unknown[] }) => Object.keys(r.data[0] as object)[0]),
    ).toEqual(["TrackedEvents.count", "Sessions.count"]);
  });
});

describe("400s that name the problem", () => {
  it("names an unknown member and the closest valid ones", async () => {
    const message = await error({ measures: ["TrackedEvents.pageViewCount"] });
    expect(message).toContain('"TrackedEvents.pageViewCount"');
    expect(message).toContain("TrackedEvents.pageViewsCount");
  });

  it("refuses an operator that doesn't fit the member's type", async () => {
    const message = await error({
      measures: ["TrackedEvents.count"],
      filters: [{ member: "TrackedEvents.pageUrlpath", operator: "gt", values: ["1"] }],
    });
    expect(message).toMatch(/Operator gt can't be used with TrackedEvents.pageUrlpath/);
    expect(
      await error({
        measures: ["TrackedEvents.count"],
        filters: [{ member: "TrackedEvents.pageUrlpath", operator: "like", values: ["1"] }],
      }),
    ).toMatch(/Unknown filter operator "like"/);
  });

  it.each([
    [{ measures: ["TrackedEvents.count"], limit: 50_001 }, /limit/],
    [{ measures: ["TrackedEvents.count"], timezone: "Mars/Olympus" }, /timezone/],
    [{ measures: ["TrackedEvents.count"], banana: 1 }, /Invalid query format/],
    [{ measures: ["TrackedEvents.count", "Sessions.count"] }, /different cubes/],
    [
      {
        measures: ["TrackedEvents.count"],
        timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity: "fortnight" }],
      },
      /granularity/,
    ],
    [
      {
        measures: ["TrackedEvents.count"],
        timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", dateRange: "the other day" }],
      },
      /date range/,
    ],
    [
      {
        measures: ["TrackedEvents.count"],
        filters: [{ member: "TrackedEvents.sessionIndex", operator: "gt", values: ["many"] }],
      },
      /numbers/,
    ],
    [
      {
        measures: ["TrackedEvents.count"],
        filters: [{ member: "TrackedEvents.pageUrl", operator: "equals" }],
      },
      /Values required/,
    ],
    [{}, /either measures, dimensions or timeDimensions/],
  ])("refuses %j", async (query, pattern) => {
    expect(await error(query)).toMatch(pattern);
  });

  it("refuses a GET whose query is not JSON", async () => {
    const response = await fetch(`${server.url}/cubejs-api/v1/load?query=%7Bnope`, {
      headers: { authorization: await server.token("alpha") },
    });
    expect(response.status).toBe(400);
  });
});
