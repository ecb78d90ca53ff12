/**
 * One suite for every dialect: the compiled SQL binds every value, filters every events scan
 * by project, and uses the dialect's own functions. DuckDB's SQL also runs in the API tests;
 * ClickHouse's is checked here as text until the ClickHouse store lands.
 */
import { describe, expect, it } from "vitest";
import { BUILTIN_QUERIES } from "../../src/query/builtin-queries.js";
import { compileQuery } from "../../src/query/index.js";
import { builtInModel } from "../../src/query/model/load-model.js";
import type { DialectName } from "../../src/query/model/member.js";
import { NOW } from "./support/dataset.js";

const model = builtInModel();
/** Over the events: the rollups' SQL has tests of its own (rollups.test.ts). */
const compile = (query: unknown, dialect: DialectName) =>
  compileQuery(model, query, { projectId: "proj_1", dialect, now: NOW, rollups: false });

const SECRET_VALUE = "zz'; DROP TABLE events; --";
const filtered = {
  measures: ["Sessions.repeatPercent", "Sessions.averageDurationMinutes"],
  dimensions: ["Sessions.agentName", "Sessions.isFirst"],
  timeDimensions: [
    { dimension: "Sessions.startAt", granularity: "week", dateRange: "last 30 days" },
  ],
  filters: [
    { member: "Sessions.pageUrlpath", operator: "contains", values: [SECRET_VALUE] },
    { member: "Sessions.numberEvents", operator: "gte", values: ["3"] },
    { member: "Sessions.count", operator: "gt", values: ["1"] },
  ],
  timezone: "Europe/Berlin",
  total: true,
};

describe.each(["duckdb", "clickhouse"] as const)("%s dialect", (dialect) => {
  it.each(Object.entries(BUILTIN_QUERIES))("compiles %s", (_, query) => {
    const [compiled] = compile(query, dialect);
    expect(compiled?.rendered.params[0]).toBe("proj_1");
  });

  it("binds every value and filters every events scan by project", () => {
    const [compiled] = compile(filtered, dialect);
    const { sql, params, total } = compiled?.rendered ?? { sql: "", params: [], total: null };
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("proj_1");
    expect(sql).not.toContain("Europe/Berlin");
    expect(params).toContain(SECRET_VALUE);
    expect(params).toContain("Europe/Berlin");
    // DuckDB reads Sessions from its sessions rollup, ClickHouse from its events.
    const scans = sql.match(/FROM (events|sessions_rollup)\b/g)?.length ?? 0;
    expect(scans).toBeGreaterThan(0);
    // ClickHouse reads the table FINAL (a ReplacingMergeTree: duplicates collapse at read).
    expect(sql.match(/FROM (events (FINAL )?|sessions_rollup )WHERE project_id = /g)?.length).toBe(
      scans,
    );
    expect(total?.sql).toMatch(/^SELECT count\(\*\) AS total FROM \(/);
    // The window column isFirst needs is computed; the unused nextStartAt is not. (ClickHouse
    // 18.16 has no window functions: its Sessions rows always carry both, from arrays.)
    // DuckDB's sessions rollup keeps isFirst; nextStartAt is a window there.
    if (dialect === "duckdb") {
      expect(sql).toContain('first_of_user AS "is_first"');
      expect(sql).not.toMatch(/lead/i);
    } else {
      expect(sql).toContain('first_of_user AS "is_first"');
      expect(sql).not.toContain("next_of_user AS");
    }
  });

  it("leaves window columns out of queries that don't use them", () => {
    const [compiled] = compile({ measures: ["Sessions.count"] }, dialect);
    expect(compiled?.rendered.sql).not.toContain("row_number");
  });
});

describe("ClickHouse SQL", () => {
  it("uses typed named placeholders and ClickHouse functions", () => {
    const [compiled] = compile(filtered, "clickhouse");
    const sql = compiled?.rendered.sql ?? "";
    expect(sql).toContain("project_id = {p1:String}");
    expect(sql).toContain("AND is_bot = 0");
    expect(sql).toMatch(
      /positionCaseInsensitiveUTF8\("Sessions"\.page_urlpath, \{p\d+:String\}\) > 0/,
    );
    expect(sql).toMatch(/"Sessions"\.number_events >= \{p\d+:Float64\}/);
    expect(sql).toMatch(/"Sessions"\.start_at >= \{p\d+:DateTime64\(3, 'UTC'\)\}/);
    expect(sql).toMatch(
      /toDateTime\(toMonday\(toTimeZone\("Sessions"\.start_at, \{p\d+:String\}\)\), \{p\d+:String\}\)/,
    );
    expect(sql).toMatch(/LIMIT \{p\d+:UInt64\}$/);
    expect(sql).not.toContain("$");
  });

  it("counts distinct values exactly or approximately", () => {
    const exact = compile({ measures: ["TrackedEvents.uniqueUsersCount"] }, "clickhouse")[0]
      ?.rendered.sql;
    expect(exact).toContain(
      'uniqExact(COALESCE("TrackedEvents".domain_userid, "TrackedEvents".user_id))',
    );
    const duck = compile({ measures: ["TrackedEvents.uniqueUsersCount"] }, "duckdb")[0]?.rendered
      .sql;
    expect(duck).toContain("count(DISTINCT");
  });

  it("writes the model's per-dialect SQL", () => {
    const sql = compile({ dimensions: ["TrackedEvents.baseUrl"] }, "clickhouse")[0]?.rendered.sql;
    expect(sql).toContain("cutQueryStringAndFragment");
    const next = compile(
      { dimensions: ["Sessions.nextStartAt"], measures: ["Sessions.count"] },
      "clickhouse",
    )[0]?.rendered.sql;
    expect(next).toContain('next_of_user AS "next_start_at"');
    expect(next).not.toMatch(/ OVER /);
  });
});
