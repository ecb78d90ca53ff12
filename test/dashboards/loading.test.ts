import { afterEach, describe, expect, it } from "vitest";
import { DashboardService } from "../../src/dashboards/dashboard-service.js";
import { createRepo, hasReferenceMember, type TestRepo, V1, V2 } from "./git-fixture.js";

const repos: TestRepo[] = [];
const repo = (files: Record<string, string> = {}) => {
  const r = createRepo(files);
  repos.push(r);
  return r;
};
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const service = () => new DashboardService({ hasMember: hasReferenceMember });

const SALES_V2 = `version: "2"
title: Sales
description: What sells
panels:
  - title: Visitors
    visualization: visitors
    gridAttributes: { xPos: 0, yPos: 0, width: 6, height: 2 }
    queryOverrides:
      timeDimensions:
        dateRange: [2024-01-01, 2024-01-31]
  - title: Inline pages
    gridAttributes: { width: 6, height: 2 }
    visualization:
      version: 1
      type: DataTable
      data:
        type: cube_analytics
        query:
          measures: [TrackedEvents.pageViewsCount]
          dimensions: [TrackedEvents.pageUrlpath]
  - title: Events
    visualization: total_events
    gridAttributes: { xPos: 6, yPos: 0, width: 6, height: 2 }
    options: { decimalPlaces: 0 }
`;

const VISITORS = `version: 1
type: LineChart
data:
  type: cube_analytics
  query:
    measures: [TrackedEvents.uniqueUsersCount]
    timeDimensions:
      - dimension: TrackedEvents.derivedTstamp
        granularity: day
    limit: 100
`;

const LEGACY_V1 = `version: "1"
title: Legacy
description: The first layout
widgets:
  - title: Page views
    visualization: views
    gridAttributes: { xPos: 0, yPos: 0, width: 12, height: 3 }
`;

const VIEWS = `version: "1"
type: LineChart
data:
  type: Cube
  query:
    measures: [TrackedEvents.pageViewsCount]
`;

describe("loading dashboards from git", () => {
  it("loads both layouts, v1 and v2, shared, built-in and inline visualizations", async () => {
    const r = repo({
      [`${V2}/sales/sales.yaml`]: SALES_V2,
      [`${V2}/visualizations/visitors.yaml`]: VISITORS,
      [`${V1}/legacy/legacy.yaml`]: LEGACY_V1,
      [`${V1}/visualizations/views.yaml`]: VIEWS,
      [`${V2}/sales/README.md`]: "not a dashboard",
    });
    const commit = r.commit();
    const { catalog, repositoryError } = await service().catalog(r.dir, null);
    expect(repositoryError).toBeNull();
    expect(catalog.revision).toBe(commit);
    expect(catalog.errors).toEqual([]);
    expect(catalog.dashboards.map((d) => [d.id, d.builtIn, d.errors.length])).toEqual([
      ["audience", true, 0],
      ["behavior", true, 0],
      ["legacy", false, 0],
      ["sales", false, 0],
    ]);

    const sales = catalog.dashboards.find((d) => d.id === "sales");
    const [visitors, inline, events] = sales?.panels ?? [];
    expect(visitors?.visualization).toMatchObject({ name: "visitors", source: "project" });
    // queryOverrides' single timeDimensions object is merged into each time dimension.
    expect(visitors?.query).toEqual({
      measures: ["TrackedEvents.uniqueUsersCount"],
      timeDimensions: [
        {
          dimension: "TrackedEvents.derivedTstamp",
          granularity: "day",
          dateRange: ["2024-01-01", "2024-01-31"],
        },
      ],
      limit: 100,
    });
    expect(inline?.visualization).toMatchObject({
      name: null,
      source: "inline",
      file: `${V2}/sales/sales.yaml`,
    });
    expect(inline?.query).toEqual({
      measures: ["TrackedEvents.pageViewsCount"],
      dimensions: ["TrackedEvents.pageUrlpath"],
    });
    expect(events?.visualization).toMatchObject({ name: "total_events", source: "builtin" });
    expect(events?.options).toEqual({ decimalPlaces: 0 });

    const legacy = catalog.dashboards.find((d) => d.id === "legacy");
    expect(legacy?.definition?.panels).toHaveLength(1);
    expect(legacy?.panels[0]?.visualization).toMatchObject({
      name: "views",
      file: `${V1}/visualizations/views.yaml`,
    });
  });

  it("prefers the project's visualization over a built-in of the same name", async () => {
    const r = repo({
      [`${V2}/mine/mine.yaml`]: `version: "2"\ntitle: Mine\npanels:\n  - title: t\n    visualization: total_events\n    gridAttributes: { width: 4, height: 1 }\n`,
      [`${V2}/visualizations/total_events.yaml`]: VIEWS,
    });
    r.commit();
    const { catalog } = await service().catalog(r.dir, null);
    const panel = catalog.dashboards.find((d) => d.id === "mine")?.panels[0];
    expect(panel?.visualization?.source).toBe("project");
    expect(panel?.query).toEqual({ measures: ["TrackedEvents.pageViewsCount"] });
  });

  it("serves what is committed, not uncommitted edits; WORKTREE shows the edits", async () => {
    const r = repo({
      [`${V2}/sales/sales.yaml`]: SALES_V2,
      [`${V2}/visualizations/visitors.yaml`]: VISITORS,
    });
    r.commit();
    r.write({
      [`${V2}/sales/sales.yaml`]: SALES_V2.replace("title: Sales", "title: Sales (draft)"),
      [`${V2}/draft/draft.yaml`]: `version: "2"\ntitle: Draft\npanels: []\n`,
    });
    const s = service();
    const committed = (await s.catalog(r.dir, null)).catalog;
    expect(committed.dashboards.find((d) => d.id === "sales")?.definition?.title).toBe("Sales");
    expect(committed.dashboards.some((d) => d.id === "draft")).toBe(false);

    const worktree = (await s.catalog(r.dir, "WORKTREE")).catalog;
    expect(worktree.revision).toBe("WORKTREE");
    expect(worktree.dashboards.find((d) => d.id === "sales")?.definition?.title).toBe(
      "Sales (draft)",
    );
    expect(worktree.dashboards.some((d) => d.id === "draft")).toBe(true);
  });

  it("picks up a new commit on the next call and reuses the catalog of an unchanged one", async () => {
    const r = repo({
      [`${V2}/sales/sales.yaml`]: SALES_V2,
      [`${V2}/visualizations/visitors.yaml`]: VISITORS,
    });
    const first = r.commit();
    const s = service();
    const a = await s.catalog(r.dir, null);
    const b = await s.catalog(r.dir, null);
    expect(b.catalog).toBe(a.catalog);

    r.write({ [`${V2}/sales/sales.yaml`]: SALES_V2.replace("title: Sales", "title: Revenue") });
    const second = r.commit("rename");
    const c = await s.catalog(r.dir, null);
    expect(c.catalog.revision).toBe(second);
    expect(c.catalog.dashboards.find((d) => d.id === "sales")?.definition?.title).toBe("Revenue");

    // An explicit ref still reads the older commit.
    const old = await s.catalog(r.dir, first);
    expect(old.catalog.dashboards.find((d) => d.id === "sales")?.definition?.title).toBe("Sales");
  });

  it("reads a configured branch", async () => {
    const r = repo({
      [`${V2}/sales/sales.yaml`]: SALES_V2,
      [`${V2}/visualizations/visitors.yaml`]: VISITORS,
    });
    r.commit();
    const { catalog } = await service().catalog(r.dir, "main");
    expect(catalog.dashboards.some((d) => d.id === "sales")).toBe(true);
    const missing = await service().catalog(r.dir, "no-such-branch");
    expect(missing.repositoryError).toMatch(/"no-such-branch" does not name a commit/);
    // The built-ins are still listed when the repository cannot be read.
    expect(missing.catalog.dashboards.map((d) => d.id)).toEqual(["audience", "behavior"]);
  });

  it("lists only the built-ins for a project without a repository", async () => {
    const { catalog, repositoryError } = await service().catalog(null, null);
    expect(repositoryError).toBeNull();
    expect(catalog.dashboards.map((d) => d.id)).toEqual(["audience", "behavior"]);
  });

  it("loads funnels, whose cubes' members dashboards may query", async () => {
    const r = repo({
      ".gitlab/analytics/funnels/purchase.yaml": `name: completed_purchase
seconds_to_convert: 3600
steps:
  - name: view_page_1
    target: '/page1.html'
    action: 'pageview'
  - name: bought
    target: purchase
    action: event
`,
      [`${V2}/funnel/funnel.yaml`]: `version: "2"
title: Funnel
panels:
  - title: Steps
    gridAttributes: { width: 12, height: 4 }
    visualization:
      version: 1
      type: BarChart
      data:
        type: cube_analytics
        query:
          measures: [completed_purchase.count]
          dimensions: [completed_purchase.step]
`,
    });
    r.commit();
    const { catalog } = await service().catalog(r.dir, null);
    expect(catalog.funnels).toMatchObject([
      {
        id: "purchase",
        errors: [],
        definition: { name: "completed_purchase", seconds_to_convert: 3600 },
      },
    ]);
    expect(catalog.funnels[0]?.definition?.steps[1]).toEqual({
      name: "bought",
      target: "purchase",
      action: "event",
    });
    expect(catalog.dashboards.find((d) => d.id === "funnel")?.errors).toEqual([]);
    const cubes = await service().funnelCubes(r.dir, null);
    expect(cubes.map((c) => c.name)).toEqual(["completed_purchase"]);
  });
});
