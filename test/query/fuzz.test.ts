/**
 * Fuzzing the query API with random member names, operators and values (quotes, semicolons,
 * unicode, huge strings): every answer is a 200 or a 400, never a database error or a 500, and
 * the data is untouched afterwards (nothing was injected).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtInModel } from "../../src/query/model/load-model.js";
import { GRANULARITIES, OPERATORS } from "../../src/query/query-schema.js";
import { buildEvents, NOW } from "./support/dataset.js";
import { type QueryServer, startQueryServer } from "./support/server.js";

/** A fixed seed keeps CI repeatable; FUZZ_SEED=<n> explores further. */
const SEED = Number(process.env.FUZZ_SEED ?? 20240315);
const events = [...buildEvents("alpha", 1, 10), ...buildEvents("beta", 2, 5)];
let server: QueryServer;
let token: string;

beforeAll(async () => {
  server = await startQueryServer(["alpha", "beta"], events, {
    now: () => NOW,
    continueWaitMs: 60_000,
  });
  token = await server.token("alpha");
});
afterAll(async () => server?.close());

const model = builtInModel();
const members = [...model.members.values()];
const nasty = fc.constantFrom(
  "'",
  "''",
  '"',
  "'; DROP TABLE events; --",
  "\"; DELETE FROM events WHERE '1'='1",
  "$1",
  "{p1:String}",
  "{events}",
  "%_\\",
  "\u0000",
  "😀𝔘нико́д",
  "2024-03-01",
  "last 7 days",
  "-1e309",
  "NaN",
  "true",
  "",
);
const text = fc.oneof(
  nasty,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ minLength: 5_000, maxLength: 12_000 }),
  fc.integer().map(String),
);
/** Mostly members of one cube, so that many queries get past validation to the database. */
const memberName = (cube: string) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(...members.filter((m) => m.cube === cube).map((m) => m.fullName)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...members.map((m) => m.fullName)) },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: text.map((t) => `${cube}.${t}`) },
  );
const leaf = (cube: string) =>
  fc.record({
    member: memberName(cube),
    operator: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...OPERATORS) },
      { weight: 1, arbitrary: text },
    ),
    values: fc.array(text, { maxLength: 3 }),
  });
const filter = (cube: string) =>
  fc.oneof(
    { weight: 4, arbitrary: leaf(cube) },
    { weight: 1, arbitrary: fc.record({ or: fc.array(leaf(cube), { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ and: fc.array(leaf(cube), { maxLength: 3 }) }) },
  );
const queryFor = (cube: string) =>
  fc.record(
    {
      measures: fc.array(memberName(cube), { maxLength: 2 }),
      dimensions: fc.array(memberName(cube), { maxLength: 2 }),
      segments: fc.array(memberName(cube), { maxLength: 1 }),
      filters: fc.array(filter(cube), { maxLength: 3 }),
      timeDimensions: fc.array(
        fc.record(
          {
            dimension: memberName(cube),
            granularity: fc.oneof(fc.constantFrom(...GRANULARITIES), text),
            dateRange: fc.oneof(text, fc.tuple(text, text)),
          },
          { requiredKeys: ["dimension"] },
        ),
        { maxLength: 1 },
      ),
      order: fc.dictionary(memberName(cube), fc.constantFrom("asc", "desc"), { maxKeys: 2 }),
      limit: fc.integer({ min: 0, max: 60_000 }),
      offset: fc.integer({ min: 0, max: 100 }),
      timezone: fc.oneof(fc.constantFrom("UTC", "Europe/Berlin", "Asia/Kolkata"), text),
      ungrouped: fc.boolean(),
      total: fc.boolean(),
    },
    { requiredKeys: [] },
  );
const query = fc.constantFrom(...model.cubes.keys()).chain(queryFor);

const OPERATORS_FOR: Record<string, readonly string[]> = {
  string: [
    "equals",
    "notEquals",
    "contains",
    "notContains",
    "startsWith",
    "notStartsWith",
    "endsWith",
    "notEndsWith",
    "set",
    "notSet",
  ],
  number: ["equals", "notEquals", "gt", "gte", "lt", "lte", "set", "notSet"],
  boolean: ["equals", "notEquals", "set", "notSet"],
  time: ["inDateRange", "notInDateRange", "beforeDate", "afterDate", "set", "notSet"],
  measure: ["gt", "gte", "lt", "lte", "equals", "notEquals", "set", "notSet", "measureFilter"],
};
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
const dateText = fc.oneof(
  fc.constantFrom(
    "today",
    "last 7 days",
    "this month",
    "from 2 days ago to now",
    "2024-03-02",
    "2024-03-10T12:00:00",
  ),
  fc
    .date({ min: new Date("2023-01-01"), max: new Date("2025-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

/** Well-formed queries of one cube whose values are hostile: most reach the database. */
const wellFormed = fc.constantFrom(...model.cubes.values()).chain((cube) => {
  const ms = [...cube.measures.values()];
  const ds = [...cube.dimensions.values()];
  const times = ds.filter((d) => d.type === "time");
  const filterable = [...ms, ...ds];
  const leafOf = fc.constantFrom(...filterable).chain((m) => {
    const type = m.kind === "measure" ? "measure" : m.type;
    const values =
      type === "measure" || type === "number"
        ? fc.array(numberText, { minLength: 1, maxLength: 3 })
        : type === "time"
          ? fc.tuple(dateText, dateText).map(([a, b]) => [a, b].sort())
          : type === "boolean"
            ? fc.constantFrom(["true"], ["false"])
            : fc.array(text, { minLength: 1, maxLength: 3 });
    return fc.record({
      member: fc.constant(m.fullName),
      operator: fc.constantFrom(...(OPERATORS_FOR[type] ?? [])),
      values,
    });
  });
  return fc.record({
    measures: fc.subarray(
      ms.map((m) => m.fullName),
      { maxLength: 3 },
    ),
    dimensions: fc.subarray(
      ds.filter((d) => d.type !== "time").map((d) => d.fullName),
      { maxLength: 2 },
    ),
    timeDimensions: fc
      .subarray(
        times.map((t) => t.fullName),
        { maxLength: 1 },
      )
      .chain((list) =>
        fc.tuple(
          ...list.map((dimension) =>
            fc.record(
              {
                dimension: fc.constant(dimension),
                granularity: fc.constantFrom(...GRANULARITIES),
                dateRange: dateText,
              },
              { requiredKeys: ["dimension"] },
            ),
          ),
        ),
      ),
    filters: fc.array(fc.oneof(leafOf, fc.record({ or: fc.array(leafOf, { maxLength: 3 }) })), {
      maxLength: 3,
    }),
    timezone: fc.constantFrom("UTC", "America/New_York", "Asia/Kathmandu"),
    limit: fc.integer({ min: 0, max: 50_000 }),
    total: fc.boolean(),
  });
});

async function send(path: string, body: unknown) {
  const response = await fetch(`${server.url}/cubejs-api/v1/${path}`, {
    method: "POST",
    headers: { authorization: token, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("fuzzing the query API", () => {
  it("answers every generated query with 200 or 400", async () => {
    const statuses = { 200: 0, 400: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(wellFormed, query),
        fc.constantFrom("load", "sql"),
        async (q, path) => {
          const { status, body } = await send(path, { query: q, queryType: "multi" });
          if (status !== 200 && status !== 400)
            throw new Error(`${status} ${JSON.stringify(body).slice(0, 300)}`);
          if (status === 400) expect(typeof body.error).toBe("string");
          statuses[status]++;
        },
      ),
      { numRuns: 500, seed: SEED },
    );
    // The generator must reach the database often, not only bounce off validation.
    expect(statuses[200]).toBeGreaterThan(100);
  }, 120_000);

  it("answers any JSON body with 200 or 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const { status } = await send("load", { query: value });
        expect([200, 400]).toContain(status);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("left the stored events as they were", async () => {
    const rows = await server.ctx.store.query("SELECT count(*) AS n FROM events");
    expect(Number(rows[0]?.n)).toBe(events.length);
  });
});
