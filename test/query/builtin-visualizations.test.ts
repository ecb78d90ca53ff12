/**
 * Every built-in visualization query of GitLab's audience and behavior dashboards runs over
 * HTTP and gives the figures an independent JavaScript computation gives over the same events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_QUERIES } from "../../src/query/builtin-queries.js";
import { buildEvents, NOW } from "./support/dataset.js";
import { expectedFigures } from "./support/expected.js";
import { type QueryServer, startQueryServer } from "./support/server.js";

const events = [...buildEvents("alpha", 1, 60), ...buildEvents("beta", 2, 10)];
const expected = expectedFigures(events, "alpha");
let server: QueryServer;

beforeAll(async () => {
  server = await startQueryServer(["alpha", "beta"], events, { now: () => NOW });
});
afterAll(async () => server?.close());

async function load(name: string) {
  const { status, body } = await server.post("load", "alpha", {
    query: BUILTIN_QUERIES[name],
    queryType: "multi",
  });
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.queryType).toBe("regularQuery");
  return body.results[0].data as Record<string, string | null>[];
}

const single = async (name: string, member: string) => Number((await load(name))[0]?.[member]);

describe("built-in visualizations", () => {
  it("has every visualization of reference section 4", () => {
    expect(Object.keys(BUILTIN_QUERIES)).toHaveLength(14);
  });

  it("single stats", async () => {
    expect(await single("total_unique_users", "TrackedEvents.uniqueUsersCount")).toBe(
      expected.total_unique_users,
    );
    expect(await single("total_sessions", "Sessions.count")).toBe(expected.total_sessions);
    expect(await single("average_session_duration", "Sessions.averageDurationMinutes")).toBeCloseTo(
      expected.average_session_duration,
      9,
    );
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
  ] as const)("line chart %s", async (name, time, measure) => {
    const data = await load(name);
    const got = new Map(data.map((row) => [row[time], Number(row[measure])]));
    const want = expected[name];
    // Only days with rows: with no date range there is nothing to fill.
    for (const [dayLabel, value] of want)
      if (value > 0) expect(got.get(dayLabel), dayLabel).toBe(value);
    expect([...got.values()].every((v) => v > 0)).toBe(true);
    const days = data.map((row) => row[time] as string);
    expect(days).toEqual([...days].sort());
    // Cube also writes the time under the member's plain name.
    expect(data[0]?.[time.replace(/\.day$/, "")]).toBe(data[0]?.[time]);
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
  ] as const)("table %s", async (name, dims, measure) => {
    const data = await load(name);
    const got = new Map(
      data.map((row) => [`${row[dims[0]]}|${row[dims[1]]}`, Number(row[measure])]),
    );
    expect(got).toEqual(expected[name]);
    const values = data.map((row) => Number(row[measure]));
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });
});
