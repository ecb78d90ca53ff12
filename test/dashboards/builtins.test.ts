import { describe, expect, it } from "vitest";
import { loadBuiltinCatalog } from "../../src/dashboards/builtin-catalog.js";
import { DEFAULT_LIMITS } from "../../src/dashboards/source-files.js";
import { hasMember as modelHasMember } from "../../src/query/model/load-model.js";
import { hasReferenceMember } from "./git-fixture.js";

const VISUALIZATIONS = [
  "average_session_duration",
  "average_sessions_per_user",
  "browsers_per_users",
  "daily_active_users",
  "events_over_time",
  "page_views_over_time",
  "returning_users_percentage",
  "sessions_over_time",
  "sessions_per_browser",
  "top_pages",
  "total_events",
  "total_pageviews",
  "total_sessions",
  "total_unique_users",
];

describe("built-in dashboards", () => {
  it("ship audience and behavior and every built-in visualization, all valid against the data model", async () => {
    const catalog = await loadBuiltinCatalog((name) => modelHasMember(name), DEFAULT_LIMITS);
    expect(catalog.errors).toEqual([]);
    expect(catalog.dashboards.map((d) => [d.id, d.builtIn, d.errors])).toEqual([
      ["audience", true, []],
      ["behavior", true, []],
    ]);
    expect(catalog.visualizations.map((v) => v.id)).toEqual(VISUALIZATIONS);
    for (const v of catalog.visualizations) {
      expect(v.errors).toEqual([]);
      expect(v.definition?.data.query).toMatchObject({ limit: 100, timezone: "UTC" });
    }
  });

  it("match the reference grid and resolve every panel to a query", async () => {
    const catalog = await loadBuiltinCatalog(hasReferenceMember, DEFAULT_LIMITS);
    const audience = catalog.dashboards.find((d) => d.id === "audience");
    expect(audience?.definition?.description).toBe("Understand your audience");
    expect(
      audience?.panels.map((p) => {
        const g = p.gridAttributes;
        return `${p.visualization?.name} ${g.xPos},${g.yPos},${g.width},${g.height}`;
      }),
    ).toEqual([
      "total_unique_users 0,0,2,1",
      "returning_users_percentage 2,0,2,1",
      "total_sessions 4,0,2,1",
      "average_session_duration 6,0,3,1",
      "average_sessions_per_user 9,0,3,1",
      "daily_active_users 0,1,6,5",
      "sessions_over_time 6,1,6,5",
      "browsers_per_users 0,6,6,5",
      "sessions_per_browser 6,6,6,5",
    ]);
    expect(audience?.panels[1]?.options).toEqual({ decimalPlaces: 1 });
    const behavior = catalog.dashboards.find((d) => d.id === "behavior");
    expect(behavior?.panels.at(-1)?.query).toMatchObject({
      measures: ["TrackedEvents.pageViewsCount"],
      dimensions: ["TrackedEvents.pageUrlpath", "TrackedEvents.pageUrl"],
    });
    expect(behavior?.panels[2]?.query).toMatchObject({
      timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", granularity: "day" }],
    });
  });
});
