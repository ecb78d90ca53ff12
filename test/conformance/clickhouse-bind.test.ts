/**
 * The one place values become ClickHouse SQL text (src/query/sql/clickhouse-bind.ts): every
 * type's literal, placeholders left alone inside quotes and comments, table qualification, and
 * a property test that any string survives a round trip through a real 18.16 server.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServers } from "../../src/devservers/available.js";
import { type ClickHouseServer, startClickHouse } from "../../src/devservers/clickhouse.js";
import { BindError, bindClickHouse, literal } from "../../src/query/sql/clickhouse-bind.js";

describe("binding", () => {
  it("writes a literal of each placeholder type", () => {
    expect(literal("it's \\ \n", "String")).toBe("'it\\'s \\\\ \\n'");
    expect(literal("1e300", "Float64")).toBe("toFloat64('1e300')");
    expect(literal(42, "UInt64")).toBe("42");
    expect(literal(true, "Bool")).toBe("1");
    expect(literal("2024-03-01 10:00:00.250", "DateTime64(3, 'UTC')")).toBe(
      "toDateTime('2024-03-01 10:00:00', 'UTC')",
    );
    expect(literal(null, "String")).toBe("NULL");
  });

  it.each([
    ["1; DROP TABLE x", "Float64"],
    ["", "Float64"],
    [-1, "UInt64"],
    ["1 OR 1", "UInt64"],
    ["yes", "Bool"],
    ["2024-03-01' OR '1", "DateTime64(3, 'UTC')"],
    ["x", "Array(String)"],
  ] as const)("refuses %j as %s", (value, type) => {
    expect(() => literal(value, type)).toThrow(BindError);
  });

  it("binds placeholders outside quotes and comments only, and qualifies the events table", () => {
    const sql =
      "SELECT '{p1:String}', \"{p1:String}\" /* {p1:String} */ FROM events FINAL WHERE a = {p1:String} -- {p2:UInt64}\nLIMIT {p2:UInt64}";
    expect(bindClickHouse(sql, ["v'", 3], "glimpse_p")).toBe(
      "SELECT '{p1:String}', \"{p1:String}\" /* {p1:String} */ FROM `glimpse_p`.events FINAL WHERE a = 'v\\'' -- {p2:UInt64}\nLIMIT 3",
    );
    expect(bindClickHouse("SELECT number_events, events_x FROM (SELECT 1)", [], "d")).toBe(
      "SELECT number_events, events_x FROM (SELECT 1)",
    );
    expect(() => bindClickHouse("SELECT {p2:String}", ["a"], null)).toThrow(/p2/);
    expect(() => bindClickHouse("SELECT 'open", [], null)).toThrow(/unterminated/);
  });
});

const skip = missingServers();
describe.skipIf(skip !== null)(
  `round trip through ClickHouse${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let server: ClickHouseServer;
    beforeAll(async () => {
      server = await startClickHouse();
    });
    afterAll(async () => server?.dispose());

    it("returns any string bound as a String literal unchanged", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.string({ unit: "binary", maxLength: 40 }), { minLength: 1, maxLength: 20 }),
          async (values) => {
            // Lone surrogates cannot travel as UTF-8; well-formed strings must come back as sent.
            const texts = values.map((v) => Buffer.from(v, "utf8").toString("utf8"));
            const select = texts.map((_, i) => `{p${i + 1}:String} AS v${i}`).join(", ");
            const body = await server.sql(
              `${bindClickHouse(`SELECT ${select}`, texts, null)} FORMAT JSON`,
            );
            const row = (JSON.parse(body) as { data: Record<string, string>[] }).data[0] ?? {};
            expect(texts.map((_, i) => row[`v${i}`])).toEqual(texts);
          },
        ),
        { numRuns: 60 },
      );
    });
  },
);
