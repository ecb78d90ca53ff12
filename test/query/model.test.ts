/** The semantic model: built-in members, the operator's extra cubes, and broken files. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/query/errors.js";
import {
  builtInModel,
  hasMember,
  loadModel,
  parseModelFile,
} from "../../src/query/model/load-model.js";

const SECTION_5 = {
  TrackedEvents: [
    "count",
    "uniqueUsersCount",
    "pageViewsCount",
    "linkClicksCount",
    "eventId",
    "event",
    "eventType",
    "eventName",
    "customEventName",
    "customEventProps",
    "customUserProps",
    "pageUrl",
    "pageUrlhosts",
    "pageUrlpath",
    "pageTitle",
    "pageReferrer",
    "osFamily",
    "osName",
    "osVersion",
    "osVersionMajor",
    "agentName",
    "agentVersion",
    "useragent",
    "userId",
    "browserLanguage",
    "documentLanguage",
    "viewportSize",
    "baseUrl",
    "targetUrl",
    "elementId",
    "derivedTstamp",
    "utcTime",
    "docPath",
    "parsedUaUaFamily",
  ],
  Sessions: [
    "count",
    "uniqueUsersCount",
    "usersCount",
    "averagePerUser",
    "averageDurationMinutes",
    "repeatCount",
    "repeatPercent",
    "sessionID",
    "isFirst",
    "userId",
    "agentName",
    "agentVersion",
    "osFamily",
    "osName",
    "osVersion",
    "osVersionMajor",
    "pageUrlhost",
    "pageUrlpath",
    "pageTitle",
    "pageReferrer",
    "browserLanguage",
    "documentLanguage",
    "viewportSize",
    "screenResolution",
    "numberEvents",
    "durationMinutes",
    "startAt",
    "endAt",
    "nextStartAt",
  ],
  ReturningUsers: [
    "allSessionsCount",
    "returningUserPercentage",
    "returningUsers",
    "first_timestamp",
  ],
};

function modelError(text: string): ModelError {
  try {
    parseModelFile("cubes.yaml", text);
    loadWith(text);
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error("no error");
}

function loadWith(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-model-"));
  try {
    writeFileSync(join(dir, "cubes.yaml"), text);
    return loadModel(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the built-in model", () => {
  it("has every member of reference section 5", () => {
    for (const [cube, members] of Object.entries(SECTION_5)) {
      for (const member of members)
        expect(hasMember(`${cube}.${member}`), `${cube}.${member}`).toBe(true);
    }
    expect(hasMember("TrackedEvents.nothing")).toBe(false);
  });

  it("types members", () => {
    const members = builtInModel().members;
    expect(members.get("Sessions.repeatPercent")).toMatchObject({
      kind: "measure",
      type: "number",
    });
    expect(members.get("TrackedEvents.derivedTstamp")).toMatchObject({
      kind: "dimension",
      type: "time",
    });
    expect(members.get("Sessions.isFirst")).toMatchObject({
      type: "boolean",
      windowColumns: ["is_first"],
    });
  });
});

describe("extra cubes", () => {
  it("loads a cube from the model directory", () => {
    const model = loadWith(`
cubes:
  - name: Purchases
    sql: SELECT * FROM {events} WHERE event_name = 'purchase'
    measures:
      - { name: count, type: count }
      - { name: buyers, type: countDistinct, sql: "{CUBE}.user_id" }
      - { name: perBuyer, type: number, sql: "{count} / NULLIF({buyers}, 0)" }
    dimensions:
      - { name: path, type: string, sql: "{CUBE}.page_urlpath" }
`);
    expect(hasMember("Purchases.perBuyer", model)).toBe(true);
    expect(hasMember("TrackedEvents.count", model)).toBe(true);
  });

  it.each([
    ["broken YAML", "cubes:\n  - name: X\n   sql_table: events\n", 3, /./],
    [
      "an unknown key",
      "cubes:\n  - name: X\n    sql_table: events\n    mesures: []\n",
      2,
      /mesures/,
    ],
    [
      "a bad type",
      "cubes:\n  - name: X\n    sql_table: events\n    measures:\n      - name: c\n        type: median\n",
      6,
      /type/,
    ],
    [
      "a reference to nothing",
      'cubes:\n  - name: X\n    sql_table: events\n    dimensions:\n      - name: a\n        type: string\n        sql: "{b}"\n',
      7,
      /unknown reference \{b\}/,
    ],
    [
      "a raw events table",
      "cubes:\n  - name: X\n    sql: SELECT * FROM events\n    measures: []\n",
      3,
      /\{events\}/,
    ],
    [
      "events read around the project filter",
      "cubes:\n  - name: X\n    sql: SELECT * FROM {events} UNION ALL SELECT * FROM events\n",
      3,
      /only through \{events\}/,
    ],
    [
      "the sessions rollup read around the project filter",
      "cubes:\n  - name: X\n    sql: SELECT * FROM {sessions} UNION ALL SELECT * FROM sessions_rollup\n",
      3,
      /only through \{events\}/,
    ],
    [
      "sessions in a dialect that keeps none",
      "cubes:\n  - name: X\n    sql:\n      duckdb: SELECT * FROM {sessions}\n      clickhouse: SELECT * FROM {sessions}\n",
      4,
      /\{events\}/,
    ],
    [
      "a circular measure",
      'cubes:\n  - name: X\n    sql_table: events\n    measures:\n      - { name: a, type: number, sql: "{b}" }\n      - { name: b, type: number, sql: "{a}" }\n',
      5,
      /circular/,
    ],
    [
      "a duplicate cube",
      "cubes:\n  - name: TrackedEvents\n    sql_table: events\n",
      2,
      /defined twice/,
    ],
  ])("names file, line and reason for %s", (_, text, line, reason) => {
    const error = modelError(text);
    expect(error.file).toMatch(/cubes\.yaml$/);
    expect(error.line).toBe(line);
    expect(error.reason).toMatch(reason);
    expect(error.message).toMatch(new RegExp(`cubes\\.yaml:${line}: `));
  });
});
