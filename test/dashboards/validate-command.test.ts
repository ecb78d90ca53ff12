import { afterEach, describe, expect, it } from "vitest";
import { runValidate } from "../../src/dashboards/validate-command.js";
import { createRepo, hasReferenceMember, type TestRepo, V2 } from "./git-fixture.js";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const GOOD = `version: "2"
title: Good
panels:
  - title: Events
    visualization: total_events
    gridAttributes: { xPos: 0, yPos: 0, width: 12, height: 1 }
`;

describe("glimpse validate", () => {
  it("exits 0 and prints a summary for a clean repository", async () => {
    const r = createRepo({ [`${V2}/good/good.yaml`]: GOOD });
    repos.push(r);
    const commit = r.commit();
    const result = await runValidate(r.dir, { format: "text", hasMember: hasReferenceMember });
    expect(result).toEqual({
      exitCode: 0,
      output: `1 dashboards, 0 visualizations, 0 funnels at ${commit}: ok\n`,
    });
  });

  it("prints one line per problem and exits 1", async () => {
    const r = createRepo({
      [`${V2}/good/good.yaml`]: GOOD,
      [`${V2}/bad/bad.yaml`]: GOOD.replace("width: 12", "width: 14").replace(
        "total_events",
        "gone",
      ),
    });
    repos.push(r);
    const commit = r.commit();
    const result = await runValidate(r.dir, { format: "text", hasMember: hasReferenceMember });
    expect(result.exitCode).toBe(1);
    expect(result.output).toBe(
      [
        `${V2}/bad/bad.yaml:5:5 panels[0].visualization: no visualization "gone" in ${V2}/visualizations/ or the built-in visualizations`,
        `${V2}/bad/bad.yaml:6:41 panels[0].gridAttributes.width: must be ≤ 12`,
        `2 dashboards, 0 visualizations, 0 funnels at ${commit}: 2 problems`,
        "",
      ].join("\n"),
    );
  });

  it("checks the working tree with ref WORKTREE and answers JSON", async () => {
    const r = createRepo({ [`${V2}/good/good.yaml`]: GOOD });
    repos.push(r);
    r.commit();
    r.write({ [`${V2}/good/good.yaml`]: GOOD.replace('version: "2"', 'version: "9"') });
    const committed = await runValidate(r.dir, { format: "json", hasMember: hasReferenceMember });
    expect(JSON.parse(committed.output)).toMatchObject({ ok: true, errors: [] });
    const draft = await runValidate(r.dir, {
      format: "json",
      ref: "WORKTREE",
      hasMember: hasReferenceMember,
    });
    expect(draft.exitCode).toBe(1);
    expect(JSON.parse(draft.output)).toEqual({
      ok: false,
      revision: "WORKTREE",
      repositoryError: null,
      checked: { dashboards: 1, visualizations: 0, funnels: 0 },
      errors: [
        {
          file: `${V2}/good/good.yaml`,
          line: 1,
          column: 1,
          path: "version",
          message: 'must be "1" or "2"',
        },
      ],
    });
  });

  it("checks members against the query engine's built-in model by default", async () => {
    const r = createRepo({
      [`${V2}/visualizations/v.yaml`]: `version: 1
type: SingleStat
data:
  type: cube_analytics
  query:
    measures: [TrackedEvents.pageViewsCount, TrackedEvents.nope]
`,
    });
    repos.push(r);
    r.commit();
    const result = await runValidate(r.dir, { format: "text" });
    expect(result.exitCode).toBe(1);
    expect(result.output.split("\n")[0]).toBe(
      `${V2}/visualizations/v.yaml:6:46 data.query.measures[1]: unknown member "TrackedEvents.nope" in the data model`,
    );
  });

  it("fails with a clear line when the directory is not a git repository", async () => {
    const result = await runValidate("/nonexistent/repo", { format: "text" });
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/does not name a commit in \/nonexistent\/repo/);
  });
});
