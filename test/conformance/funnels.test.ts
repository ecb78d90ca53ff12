/**
 * Funnels on every store: the funnel cube of a dashboards-as-code funnel file, queried through
 * the compiler like the dashboards do, against a hand-computed answer (the cases of
 * test/dashboards/funnel-cube.test.ts: order, window edges, failed then successful attempts,
 * Jitsu page views, anonymous visitors, another project's events).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { funnelCube } from "../../src/dashboards/funnel-cube.js";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { compileQuery, runCompiled } from "../../src/query/index.js";
import { compileModel } from "../../src/query/model/compile-model.js";
import { MODEL_FILE } from "../../src/query/model/model-file.js";
import { FUNNEL, pv, EVENTS as ROWS, type Row } from "../dashboards/funnel-fixture.js";
import { NOW } from "../query/support/dataset.js";
import { segmentDir, writeSegment } from "./support/segments.js";
import { type OpenedStore, STORE_KINDS } from "./support/stores.js";

function toEvents(project: string, rows: readonly Row[]): StoredEvent[] {
  return rows.map(([duid, uid, type, target, time], i) => {
    const at = Date.parse(`2024-03-01T${time.length === 5 ? `${time}:00` : time}Z`);
    const e = emptyEvent(project, `${project}-f${i}`, at);
    e.event_type = type;
    if (type === "custom") e.event_name = target;
    else e.page_urlpath = target;
    e.domain_userid = duid;
    e.user_id = uid;
    return e;
  });
}

const model = compileModel([
  { file: "funnels", data: MODEL_FILE.parse({ cubes: [funnelCube(FUNNEL)] }), lineOf: () => 1 },
]);
const dir = segmentDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(STORE_KINDS)("$name store", (kind) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    if (kind.skip) return;
    opened = await kind.open();
    await opened.store.loadSegments([
      writeSegment(dir, [...toEvents("p", ROWS), ...toEvents("other", [pv("u9", "/a", "10:00")])]),
    ]);
  });
  afterAll(async () => opened?.dispose());

  async function steps(filters: unknown[] = []) {
    const compiled = compileQuery(
      model,
      {
        measures: ["signup_flow.count"],
        dimensions: ["signup_flow.stepNumber", "signup_flow.step"],
        order: { "signup_flow.stepNumber": "asc" },
        filters,
      },
      { projectId: "p", dialect: opened.store.dialect, now: NOW },
    );
    const [result] = await runCompiled(opened.store, compiled, NOW);
    return result?.data.map((r) => [
      Number(r["signup_flow.stepNumber"]),
      r["signup_flow.step"],
      Number(r["signup_flow.count"]),
    ]);
  }

  describe.skipIf(kind.skip !== null)(
    `funnels${kind.skip ? ` (skipped: ${kind.skip})` : ""}`,
    () => {
      it("counts the users reaching each step within the window", async () => {
        expect(await steps()).toEqual([
          [1, "landing", 7], // u1 u2 u3 u4 u6 u7 u8
          [2, "pricing", 4], // u1 u4 u6 u7
          [3, "signed up", 3], // u1 u4 u7
        ]);
      });

      it("dates each attempt by its start, so a date filter keeps the attempts begun then", async () => {
        const later = [
          {
            member: "signup_flow.date",
            operator: "afterOrOnDate",
            values: ["2024-03-01T11:00:00"],
          },
        ];
        expect(await steps(later)).toEqual([
          [1, "landing", 1],
          [2, "pricing", 1],
          [3, "signed up", 1],
        ]);
      });
    },
  );
});
