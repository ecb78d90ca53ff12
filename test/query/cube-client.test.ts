/**
 * The real Cube client (`@cubejs-client/core`) against Glimpse: it loads GitLab's queries,
 * retries through "Continue wait", and its ResultSet helpers give the expected figures.
 */
import cube from "@cubejs-client/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_QUERIES } from "../../src/query/builtin-queries.js";
import type { Row, SqlParam, Store } from "../../src/store/store.js";
import { buildEvents, DAY, EMPTY_DAY, NOW } from "./support/dataset.js";
import { expectedFigures } from "./support/expected.js";
import { type QueryServer, startQueryServer } from "./support/server.js";

const events = [...buildEvents("alpha", 1, 40), ...buildEvents("beta", 2, 8)];
const expected = expectedFigures(events, "alpha");
const alpha = events.filter((e) => e.project_id === "alpha" && !e.is_bot);
let server: QueryServer;
/** Makes the store slow on demand, to see the client through "Continue wait". */
let delayMs = 0;

beforeAll(async () => {
  server = await startQueryServer(["alpha", "beta"], events, {
    now: () => NOW,
    continueWaitMs: 100,
  });
  const store = server.ctx.store as Store;
  const query = store.query.bind(store);
  store.query = async (sql: string, params?: readonly SqlParam[]): Promise<Row[]> => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return query(sql, params);
  };
});
afterAll(async () => server?.close());

const client = async (projectId = "alpha") =>
  cube(await server.token(projectId), { apiUrl: `${server.url}/cubejs-api/v1` });

describe("@cubejs-client/core", () => {
  it("loads a single stat", async () => {
    const resultSet = await (await client()).load(BUILTIN_QUERIES.total_pageviews as never);
    expect(resultSet.tablePivot()).toEqual([
      { "TrackedEvents.pageViewsCount": String(expected.total_pageviews) },
    ]);
  });

  it("pivots a daily line chart with every day of the range", async () => {
    const resultSet = await (await client()).load({
      measures: ["TrackedEvents.count"],
      timeDimensions: [
        {
          dimension: "TrackedEvents.derivedTstamp",
          granularity: "day",
          dateRange: ["2024-03-01", "2024-03-14"],
        },
      ],
      timezone: "UTC",
    });
    const pivot = resultSet.chartPivot();
    expect(pivot).toHaveLength(14);
    const empty = pivot.find((p) => p.x === "2024-03-05T00:00:00.000");
    expect(empty?.["TrackedEvents.count"]).toBe(0);
    const sum = pivot.reduce((s, p) => s + Number(p["TrackedEvents.count"]), 0);
    expect(sum).toBe(alpha.filter((e) => e.derived_tstamp < EMPTY_DAY + 10 * DAY).length);
    expect(resultSet.seriesNames().map((s) => s.key)).toEqual(["TrackedEvents.count"]);
  });

  it("pivots a table of sessions per browser", async () => {
    const resultSet = await (await client()).load(BUILTIN_QUERIES.sessions_per_browser as never);
    const table = resultSet.tablePivot();
    const got = new Map(
      table.map((r) => [
        `${r["Sessions.agentName"]}|${r["Sessions.agentVersion"]}`,
        Number(r["Sessions.count"]),
      ]),
    );
    expect(got).toEqual(expected.sessions_per_browser);
  });

  it("compares date ranges", async () => {
    const resultSet = await (await client()).load({
      measures: ["TrackedEvents.count"],
      timeDimensions: [
        {
          dimension: "TrackedEvents.derivedTstamp",
          granularity: "day",
          compareDateRange: [
            ["2024-03-01", "2024-03-07"],
            ["2024-03-08", "2024-03-14"],
          ],
        },
      ],
    });
    expect(resultSet.decompose()).toHaveLength(2);
    expect(resultSet.seriesNames()).toHaveLength(2);
    expect(resultSet.chartPivot()).toHaveLength(7);
  });

  it("retries through Continue wait and gets the result", async () => {
    delayMs = 400;
    try {
      const started = Date.now();
      const resultSet = await (await client()).load(BUILTIN_QUERIES.total_events as never);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(resultSet.tablePivot()[0]?.["TrackedEvents.count"]).toBe(
        String(expected.total_events),
      );
    } finally {
      delayMs = 0;
    }
  });

  it("answers Continue wait over plain HTTP, then the result to the same query", async () => {
    delayMs = 300;
    try {
      const query = { measures: ["TrackedEvents.linkClicksCount"] };
      const first = await server.post("load", "alpha", { query });
      expect(first).toEqual({ status: 200, body: { error: "Continue wait" } });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const second = await server.post("load", "alpha", { query });
      expect(second.body.data[0]["TrackedEvents.linkClicksCount"]).toBe(
        String(alpha.filter((e) => e.event_type === "link_click").length),
      );
    } finally {
      delayMs = 0;
    }
  });

  it("reads meta", async () => {
    const meta = await (await client()).meta();
    const names = meta.membersForQuery(null, "measures").map((m) => m.name);
    expect(names).toContain("Sessions.repeatPercent");
    expect(meta.resolveMember("TrackedEvents.derivedTstamp", "dimensions")).toMatchObject({
      type: "time",
    });
  });

  it("gets the SQL and a dry run", async () => {
    const api = await client();
    const sql = await api.sql({ measures: ["TrackedEvents.count"] });
    // Answered from a rollup of events (the model's pre-aggregations).
    expect(sql.rawQuery().sql[0]).toMatch(
      /^SELECT CAST\(COALESCE\(sum\("TrackedEvents"\.m_count\), 0\) AS BIGINT\) AS m0 FROM \(SELECT \* FROM rollup_tracked_events_pages_daily WHERE project_id = \$1/,
    );
    const dry = await api.dryRun({ measures: ["TrackedEvents.count"] });
    expect(dry.queryType).toBe("regularQuery");
  });
});
