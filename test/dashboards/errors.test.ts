import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardService } from "../../src/dashboards/dashboard-service.js";
import { formatDiagnostic } from "../../src/dashboards/diagnostic.js";
import type { Catalog } from "../../src/dashboards/model.js";
import { createRepo, hasReferenceMember, type TestRepo, V1, V2 } from "./git-fixture.js";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** Commits `files` and returns every problem line of the catalog, sorted. */
async function problems(
  files: Record<string, string>,
  prepare?: (r: TestRepo) => void,
  ref: string | null = null,
) {
  const r = createRepo(files);
  repos.push(r);
  prepare?.(r);
  r.commit();
  const { catalog } = await new DashboardService({
    hasMember: hasReferenceMember,
    limits: { maxFileBytes: 4096 },
  }).catalog(r.dir, ref);
  return { lines: allLines(catalog), catalog };
}

function allLines(catalog: Catalog): string[] {
  return [
    ...catalog.errors,
    ...catalog.dashboards.flatMap((d) => d.errors),
    ...catalog.visualizations.flatMap((v) => v.errors),
    ...catalog.funnels.flatMap((f) => f.errors),
  ]
    .map(formatDiagnostic)
    .sort();
}

const SALES = `${V2}/sales/sales.yaml`;

const panel = (title: string, grid: string, viz = "total_events") =>
  `  - title: ${title}\n    visualization: ${viz}\n    gridAttributes: { ${grid} }\n`;

describe("validation errors name the file, line, column and path", () => {
  it("reports a panel wider than the grid at its width key", async () => {
    const { lines } = await problems({
      [SALES]: `version: "2"
title: Sales
panels:
  - title: A
    visualization: total_events
    gridAttributes: { xPos: 0, yPos: 0, width: 4, height: 1 }
  - title: B
    visualization: total_events
    gridAttributes:
      xPos: 0
      yPos: 1
      width: 13
      height: 2
`,
    });
    expect(lines).toEqual([`${SALES}:12:7 panels[1].gridAttributes.width: must be ≤ 12`]);
  });

  it("reports overlapping panels and panels past the right edge", async () => {
    const { lines } = await problems({
      [SALES]: `version: "2"\ntitle: Sales\npanels:\n${panel("A", "xPos: 0, yPos: 0, width: 6, height: 2")}${panel("B", "xPos: 4, yPos: 1, width: 4, height: 2")}${panel("C", "xPos: 8, yPos: 5, width: 6, height: 1")}${panel("D", "xPos: 6, yPos: 0, width: 6, height: 1")}`,
    });
    expect(lines).toEqual([
      `${SALES}:12:5 panels[2].gridAttributes: extends past the 12-column grid (xPos 8 + width 6 > 12)`,
      `${SALES}:9:5 panels[1].gridAttributes: overlaps panels[0] ("A")`,
    ]);
  });

  it("reports schema violations: missing, unknown and mistyped properties", async () => {
    const { lines, catalog } = await problems({
      [SALES]: `version: "2"
title: Sales
status: alpha
panels:
  - title: A
    visualization: total_events
    gridAttributes: { width: 4 }
    colour: red
  - title: 7
    visualization: total_events
    gridAttributes: { width: 4, height: 1 }
`,
    });
    expect(lines).toEqual([
      `${SALES}:3:1 status: must be one of "beta", null`,
      `${SALES}:7:5 panels[0].gridAttributes: must have property "height"`,
      `${SALES}:8:5 panels[0].colour: unknown property; expected one of title, gridAttributes, visualization, queryOverrides, options`,
      `${SALES}:9:5 panels[1].title: must be string`,
    ]);
    // A dashboard that fails its schema is listed, with its errors, but not resolved.
    expect(catalog.dashboards.find((d) => d.id === "sales")?.definition).toBeNull();
  });

  it("reports an unknown version, a v1 file without panels, and YAML syntax errors", async () => {
    const { lines } = await problems({
      [`${V2}/a/a.yaml`]: `version: "3"\ntitle: A\npanels: []\n`,
      [`${V1}/b/b.yaml`]: `version: "1"\ntitle: B\ndescription: b\n`,
      [`${V2}/c/c.yaml`]: `version: "2"\ntitle: C\npanels:\n  - title: [unclosed\n`,
    });
    expect(lines).toEqual([
      `${V2}/a/a.yaml:1:1 version: must be "1" or "2"`,
      `${V2}/c/c.yaml:5:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${V1}/b/b.yaml:1:1 must have property "panels"`,
    ]);
  });

  it("reports a missing visualization and unknown members where they are written", async () => {
    const { lines } = await problems({
      [SALES]: `version: "2"
title: Sales
panels:
${panel("A", "width: 4, height: 1", "nope")}${panel("B", "width: 4, height: 1", "../../../etc/passwd")}  - title: C
    visualization: mine
    gridAttributes: { width: 4, height: 1 }
    queryOverrides:
      filters:
        - member: TrackedEvents.colour
          operator: equals
          values: [red]
`,
      [`${V2}/visualizations/mine.yaml`]: `version: 1
type: SingleStat
data:
  type: cube_analytics
  query:
    measures:
      - TrackedEvents.count
      - TrackedEvents.revenue
`,
    });
    expect(lines).toEqual([
      `${SALES}:11:5 panels[2].visualization: visualization "mine" has errors (see ${V2}/visualizations/mine.yaml)`,
      `${SALES}:15:11 panels[2].queryOverrides.filters[0].member: unknown member "TrackedEvents.colour" in the data model`,
      `${SALES}:5:5 panels[0].visualization: no visualization "nope" in ${V2}/visualizations/ or the built-in visualizations`,
      `${SALES}:8:5 panels[1].visualization: "../../../etc/passwd" is not a valid visualization name (letters, digits, _ and - only)`,
      `${V2}/visualizations/mine.yaml:8:9 data.query.measures[1]: unknown member "TrackedEvents.revenue" in the data model`,
    ]);
  });

  it("refuses an alias bomb", async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...["b", "c", "d", "e", "f", "g", "h"].map((k, i) => {
        const prev = String.fromCharCode(97 + i);
        return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(",")}]`;
      }),
    ].join("\n");
    const { lines, catalog } = await problems({ [SALES]: `${bomb}\n` });
    expect(lines).toEqual([
      `${SALES}:2:8 YAML aliases refused: Excessive alias count indicates a resource exhaustion attack`,
    ]);
    expect(catalog.dashboards.find((d) => d.id === "sales")?.definition).toBeNull();
  });

  it("refuses a file over the size limit without reading it", async () => {
    const big = `version: "2"\ntitle: Big\npanels: []\n# ${"x".repeat(5000)}\n`;
    const { lines } = await problems({ [SALES]: big });
    expect(lines).toEqual([`${SALES}:1:1 file is ${big.length} bytes, over the 4096-byte limit`]);
  });

  it("refuses symlinks escaping the repository, in commits and in the working tree", async () => {
    const outside = createRepo({ "secret.yaml": 'version: "2"\ntitle: Secret\npanels: []\n' });
    repos.push(outside);
    const link = (r: TestRepo) => {
      symlinkSync(join(outside.dir, "secret.yaml"), join(r.dir, `${V2}/stolen/stolen.yaml`));
      symlinkSync("../../../../../etc", join(r.dir, `${V2}/etc`));
      // A symlink that stays inside the repository is fine.
      symlinkSync("../../../../shared.yaml", join(r.dir, `${V2}/shared/shared.yaml`));
    };
    const files = {
      [`${V2}/stolen/.keep`]: "",
      [`${V2}/shared/.keep`]: "",
      "shared.yaml": 'version: "2"\ntitle: Shared\npanels: []\n',
    };
    for (const ref of [null, "WORKTREE"]) {
      const { lines, catalog } = await problems(files, link, ref);
      expect(lines).toEqual([
        `${V2}/etc:1:1 symlink escapes the repository`,
        `${V2}/stolen/stolen.yaml:1:1 symlink escapes the repository`,
      ]);
      expect(catalog.dashboards.find((d) => d.id === "shared")?.definition?.title).toBe("Shared");
      expect(catalog.dashboards.find((d) => d.id === "stolen")?.definition).toBeNull();
    }
  });

  it("ignores files with unsafe names and says so", async () => {
    const { lines, catalog } = await problems({
      [`${V2}/visualizations/bad name.yaml`]: "version: 1\n",
      [`${V2}/da.sh/da.sh.yaml`]: 'version: "2"\ntitle: X\npanels: []\n',
    });
    expect(lines).toEqual([
      `${V2}/da.sh/da.sh.yaml:1:1 "da.sh" is not a safe name (letters, digits, _ and - only); ignored`,
      `${V2}/visualizations/bad name.yaml:1:1 "bad name" is not a safe name (letters, digits, _ and - only); ignored`,
    ]);
    expect(catalog.dashboards.map((d) => d.id)).toEqual(["audience", "behavior"]);
  });

  it("keeps the other dashboards working when one is broken", async () => {
    const { catalog } = await problems({
      [`${V2}/broken/broken.yaml`]: "version: [\n",
      [`${V2}/fine/fine.yaml`]: `version: "2"\ntitle: Fine\npanels:\n${panel("A", "width: 4, height: 1")}`,
    });
    const broken = catalog.dashboards.find((d) => d.id === "broken");
    const fine = catalog.dashboards.find((d) => d.id === "fine");
    expect(broken?.errors.length).toBeGreaterThan(0);
    expect(fine?.errors).toEqual([]);
    expect(fine?.panels[0]?.query).toEqual({
      measures: ["TrackedEvents.count"],
      limit: 100,
      timezone: "UTC",
    });
  });

  it("reports duplicate dashboards across layouts and names taken by built-ins", async () => {
    const body = `version: "2"\ntitle: T\npanels: []\n`;
    const { lines, catalog } = await problems({
      [`${V2}/sales/sales.yaml`]: body,
      [`${V1}/sales/sales.yaml`]: body
        .replace('"2"', '"1"')
        .replace("panels", "description: d\npanels"),
      [`${V2}/audience/audience.yaml`]: body,
    });
    expect(lines).toEqual([
      `${V2}/audience/audience.yaml:1:1 "audience" is the name of a built-in dashboard; rename the folder`,
      `${V1}/sales/sales.yaml:1:1 dashboard "sales" is also defined by ${V2}/sales/sales.yaml, which is used; this file is ignored`,
    ]);
    expect(catalog.dashboards.filter((d) => d.id === "sales")).toHaveLength(1);
  });

  it("checks that a date filter's default is one of its options", async () => {
    const { lines } = await problems({
      [SALES]: `version: "2"
title: Sales
filters:
  dateRange:
    enabled: true
    options: [7d, 30d]
    defaultOption: 90d
panels: []
`,
    });
    expect(lines).toEqual([
      `${SALES}:7:5 filters.dateRange.defaultOption: must be one of the options (7d, 30d)`,
    ]);
  });

  it("refuses a committed file name with a line break without confusing the other files", async () => {
    const { lines, catalog } = await problems({
      [`${V2}/visualizations/a\nb.yaml`]: "version: 1\n",
      [`${V2}/fine/fine.yaml`]: `version: "2"\ntitle: Fine\npanels: []\n`,
    });
    expect(lines).toEqual([
      `"${V2}/visualizations/a\\nb.yaml":1:1 file name has control characters`,
    ]);
    expect(catalog.dashboards.find((d) => d.id === "fine")?.definition?.title).toBe("Fine");
  });

  it("checks funnel files", async () => {
    const { lines } = await problems({
      ".gitlab/analytics/funnels/f.yaml": `name: my-funnel
seconds_to_convert: 0
steps:
  - name: a
    target: /a
    action: click
`,
      ".gitlab/analytics/funnels/g.yaml": `name: g
seconds_to_convert: 60
steps:
  - { name: a, target: /a, action: pageview }
  - { name: a, target: /b, action: pageview }
`,
      ".gitlab/analytics/funnels/h.yaml": `name: h
seconds_to_convert: 60
steps:
  - { name: c, target: "/user/{id}", action: pageview }
`,
    });
    expect(lines).toEqual([
      ".gitlab/analytics/funnels/f.yaml:1:1 name: must be a name of letters, digits and _ (it becomes a cube name)",
      ".gitlab/analytics/funnels/f.yaml:2:1 seconds_to_convert: must be ≥ 1",
      '.gitlab/analytics/funnels/f.yaml:6:5 steps[0].action: must be one of "pageview", "event"',
      ".gitlab/analytics/funnels/g.yaml:5:7 steps[1].name: repeats the name of steps[0]",
      ".gitlab/analytics/funnels/h.yaml:4:16 steps[0].target: must be non-empty text without braces or control characters",
    ]);
  });
});
