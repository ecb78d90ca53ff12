import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { funnelCube } from "../../src/dashboards/funnel-cube.js";
import { compileModel } from "../../src/query/model/compile-model.js";
import { MODEL_FILE } from "../../src/query/model/model-file.js";
import { type DuckDb, openDuckDb } from "../../src/store/duckdb-database.js";
import { EVENTS_DDL } from "../../src/store/duckdb-store.js";
import { EVENTS, FUNNEL } from "./funnel-fixture.js";

let dir: string;
let db: DuckDb;
let conn: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "glimpse-funnel-"));
  db = await openDuckDb(dir);
  conn = await db.connect();
  await conn.run(EVENTS_DDL);
  for (const [i, [duid, uid, type, target, time]] of EVENTS.entries()) {
    const at = `2024-03-01 ${time.length === 5 ? `${time}:00` : time}`;
    await conn.run(
      `INSERT INTO events (event_id, project_id, event_type, event_name, page_urlpath, derived_tstamp,
        collector_tstamp, domain_userid, user_id, anonymous, is_bot)
       VALUES ($1, 'p', $2, $3, $4, $5::TIMESTAMP, $5::TIMESTAMP, $6, $7, false, false)`,
      [
        `e${i}`,
        type,
        type === "custom" ? target : null,
        type === "custom" ? null : target,
        at,
        duid,
        uid,
      ],
    );
  }
  // Another project's events must not count.
  await conn.run(
    `INSERT INTO events (event_id, project_id, event_type, page_urlpath, derived_tstamp, collector_tstamp,
      domain_userid, anonymous, is_bot) VALUES ('x', 'other', 'page_view', '/a', '2024-03-01 10:00:00',
      '2024-03-01 10:00:00', 'u9', false, false)`,
  );
});

afterAll(async () => {
  conn?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the cube's rows the way the query engine does: `{events}` is the project's scan. */
async function stepCounts(where = "TRUE") {
  const rows = funnelCube(FUNNEL).sql.duckdb.replaceAll(
    "{events}",
    "(SELECT * FROM events WHERE project_id = 'p' AND NOT is_bot)",
  );
  const reader = await conn.runAndReadAll(
    `SELECT step_number, step, count(DISTINCT user_key)::INTEGER AS users FROM (${rows}) AS f
     WHERE ${where} GROUP BY ALL ORDER BY step_number`,
  );
  return reader.getRowObjectsJson();
}

describe("funnel cube", () => {
  it("counts the users reaching each step within the window (hand-computed)", async () => {
    expect(await stepCounts()).toEqual([
      { step_number: 1, step: "landing", users: 7 }, // u1 u2 u3 u4 u6 u7 u8
      { step_number: 2, step: "pricing", users: 4 }, // u1 u4 u6 u7
      { step_number: 3, step: "signed up", users: 3 }, // u1 u4 u7
    ]);
  });

  it("dates each attempt by its start, so a date filter keeps the attempts begun then", async () => {
    expect(await stepCounts("date >= TIMESTAMP '2024-03-01 11:00:00'")).toEqual([
      { step_number: 1, step: "landing", users: 1 },
      { step_number: 2, step: "pricing", users: 1 },
      { step_number: 3, step: "signed up", users: 1 },
    ]);
  });

  it("is a valid cube for the query engine's model compiler", () => {
    const model = compileModel([
      { file: "funnels", data: MODEL_FILE.parse({ cubes: [funnelCube(FUNNEL)] }), lineOf: () => 1 },
    ]);
    expect([...model.members.keys()].filter((m) => m.startsWith("signup_flow.")).sort()).toEqual([
      "signup_flow.count",
      "signup_flow.date",
      "signup_flow.step",
      "signup_flow.stepNumber",
    ]);
  });

  it("escapes quotes in targets and step names", () => {
    const cube = funnelCube({
      ...FUNNEL,
      steps: [{ name: "it's", target: "/o'brien\\x", action: "pageview" }],
    });
    expect(cube.sql.duckdb).toContain("page_urlpath = '/o''brien\\x'");
    expect(cube.sql.clickhouse).toContain("page_urlpath = '/o''brien\\\\x'");
    expect(cube.sql.duckdb).toContain("'it''s' AS step");
  });
});
