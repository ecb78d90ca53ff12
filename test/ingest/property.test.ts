/**
 * Property-based tests: random and malformed payloads thrown at the decoders and at the HTTP
 * endpoints of a real service. Decoders either return a well-typed event or throw
 * EventRejected; endpoints never answer 500, answer every 4xx with a JSON `{error}`, store every
 * event they acknowledge exactly once, and keep serving.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_COLUMN_NAMES, EVENT_COLUMNS, EVENT_TYPES } from "../../src/events/event.js";
import { completeRecordsLength, eventToCsv } from "../../src/events/event-csv.js";
import {
  type DecodedEvent,
  EventRejected,
  isUuid,
  LIMITS,
} from "../../src/ingest/decode/decoded.js";
import { decodeJitsuEvent } from "../../src/ingest/decode/jitsu.js";
import { decodeSnowplowEvent } from "../../src/ingest/decode/snowplow.js";
import { countEvents, settle, startTestService, type TestService } from "../helpers/service.js";
import { sdkEvents } from "./gitlab-sdk-fixture.js";

const COLLECTOR = Date.UTC(2025, 6, 1, 12);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// Arbitraries

const HUGE = "x".repeat(LIMITS.json + 10);
const DEEP = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;

const base64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** A self-describing JSON with random inner data, in one of the ways trackers encode it. */
const selfDescribing = (outer: string, inner: fc.Arbitrary<unknown>) =>
  fc
    .record({
      schema: fc.constantFrom(
        outer,
        "iglu:com.gitlab/custom_event/jsonschema/1-0-0",
        "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
        "iglu:com.gitlab/user_context/jsonschema/1-0-0",
        "nonsense",
      ),
      data: inner,
    })
    .chain((envelope) =>
      fc.constantFrom<unknown>(
        JSON.stringify(envelope),
        base64url(JSON.stringify(envelope)),
        envelope,
        JSON.stringify(envelope).slice(0, 20),
      ),
    );

const innerEvent = fc.oneof(
  fc.record(
    {
      schema: fc.constantFrom(
        "iglu:com.gitlab/custom_event/jsonschema/1-0-0",
        "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
        "iglu:com.acme/thing/jsonschema/1-0-0",
        "",
      ),
      data: fc.oneof(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.constant(HUGE), fc.integer(), fc.constant(null)),
            props: fc.oneof(fc.jsonValue(), fc.constant(HUGE)),
            targetUrl: fc.oneof(fc.webUrl(), fc.string(), fc.jsonValue()),
            elementId: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

/** Values a hostile or buggy tracker might put in any parameter. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("", " ", "0", "-1", "NaN", "1e308", "null", "{}", "[]", "\r\n", "\u0000", HUGE),
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", DEEP),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.integer({ min: 900_000_000_000, max: 5_000_000_000_000 }).map(String),
  fc.base64String(),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("base64url")),
  fc.jsonValue({ maxDepth: 3 }),
);

const SNOWPLOW_KEYS = [
  "e",
  "eid",
  "aid",
  "p",
  "tna",
  "tv",
  "dtm",
  "stm",
  "ttm",
  "tz",
  "duid",
  "uid",
  "sid",
  "vid",
  "url",
  "page",
  "refr",
  "ua",
  "lang",
  "res",
  "vp",
  "ds",
  "cd",
  "cs",
  "cookie",
  "ip",
  "se_ca",
  "se_ac",
  "se_la",
  "se_pr",
  "se_va",
] as const;

/** A Snowplow event: mostly the real parameters with weird values, sometimes junk keys. */
const snowplowRecord: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...SNOWPLOW_KEYS), weirdValue, { maxKeys: 12 }),
    fc.dictionary(fc.string(), weirdValue, { maxKeys: 3 }),
    fc.record(
      {
        e: fc.oneof(fc.constantFrom("pv", "pp", "ue", "se", "tr", "ti", "xx"), weirdValue),
        ue_pr: selfDescribing(
          "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
          innerEvent,
        ),
        ue_px: fc.oneof(
          fc.base64String(),
          selfDescribing(
            "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
            innerEvent,
          ).map((v) => (typeof v === "string" ? base64url(v) : v)),
        ),
        co: selfDescribing(
          "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
          fc.array(innerEvent, { maxLength: 3 }),
        ),
        cx: fc.oneof(fc.base64String(), fc.string()),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([known, junk, special]) => ({ ...junk, ...known, ...special }));

/** A real SDK event with one parameter replaced by a weird value. */
const mutatedSdkEvent = fc
  .tuple(
    fc.constantFrom(...sdkEvents("with_cookie_consent"), ...sdkEvents("anonymous_default")),
    fc.constantFrom(...SNOWPLOW_KEYS, "ue_pr", "co"),
    weirdValue,
  )
  .map(([event, key, value]) => ({ ...event, [key]: value }));

const JITSU_KEYS = [
  "event_type",
  "event_id",
  "user",
  "utc_time",
  "local_tz_offset",
  "url",
  "page_title",
  "doc_path",
  "doc_host",
  "doc_search",
  "referer",
  "user_agent",
  "screen_resolution",
  "vp_size",
  "user_language",
  "doc_encoding",
  "src",
  "source_ip",
  "ids",
  "utm",
  "href",
  "target_url",
  "element_id",
] as const;

const jitsuRecord: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...JITSU_KEYS), weirdValue, { maxKeys: 10 }),
    fc.dictionary(fc.string(), weirdValue, { maxKeys: 4 }),
    fc.record(
      {
        event_type: fc.oneof(
          fc.constantFrom("pageview", "user_identify", "identify", "link_click", "add_to_cart"),
          weirdValue,
        ),
        user: fc.oneof(
          fc.dictionary(fc.constantFrom("anonymous_id", "id", "email", "__proto__"), weirdValue),
          weirdValue,
        ),
        utc_time: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          weirdValue,
        ),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([known, junk, special]) => ({ ...junk, ...known, ...special }));

// ---------------------------------------------------------------------------------------------
// The decoder contract

function checkDecoded(decoded: DecodedEvent): void {
  const event = decoded.event as unknown as Record<string, unknown>;
  expect(Object.keys(event).sort()).toEqual([...EVENT_COLUMN_NAMES].sort());
  for (const column of EVENT_COLUMN_NAMES) {
    const value = event[column];
    const where = `${column} = ${String(value).slice(0, 80)}`;
    switch (EVENT_COLUMNS[column]) {
      case "string":
      case "json":
        if (value !== null || ["event_id", "project_id", "event_type"].includes(column)) {
          expect(typeof value, where).toBe("string");
          expect((value as string).length, where).toBeLessThanOrEqual(LIMITS.json);
        }
        if (EVENT_COLUMNS[column] === "json" && value !== null) {
          expect(() => JSON.parse(value as string), where).not.toThrow();
        }
        break;
      case "timestamp":
        if (value !== null || column === "collector_tstamp" || column === "derived_tstamp") {
          expect(Number.isSafeInteger(value), where).toBe(true);
        }
        break;
      case "integer":
        if (value !== null) {
          expect(Number.isSafeInteger(value), where).toBe(true);
          expect(value as number, where).toBeGreaterThanOrEqual(0);
        }
        break;
      case "boolean":
        expect(typeof value, where).toBe("boolean");
        break;
    }
  }
  expect(EVENT_TYPES).toContain(decoded.event.event_type);
  expect(decoded.event.event_id).toMatch(UUID);
  expect(decoded.event.collector_tstamp).toBe(COLLECTOR);
  expect(decoded.event.derived_tstamp).toBeLessThanOrEqual(COLLECTOR);
  if (decoded.event.dvce_created_tstamp !== null) {
    expect(decoded.event.dvce_created_tstamp).toBeGreaterThanOrEqual(946_684_800_000);
    expect(decoded.event.dvce_created_tstamp).toBeLessThanOrEqual(4_102_444_800_000);
  }
  expect(decoded.appId === null || typeof decoded.appId === "string").toBe(true);
  expect(decoded.ip === null || typeof decoded.ip === "string").toBe(true);
  // Whatever was decoded is one WAL record, which the torn-record scan sees as whole.
  const record = Buffer.from(eventToCsv(decoded.event), "utf8");
  expect(completeRecordsLength(record)).toBe(record.length);
}

/** Decodes; a rejection is fine, any other exception fails the property. */
function decodeOrReject(decode: typeof decodeSnowplowEvent, input: unknown): void {
  let decoded: DecodedEvent;
  try {
    decoded = decode(input, COLLECTOR);
  } catch (error) {
    if (!(error instanceof EventRejected)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    return;
  }
  checkDecoded(decoded);
}

const DECODERS = [
  ["decodeSnowplowEvent", decodeSnowplowEvent, snowplowRecord],
  ["decodeJitsuEvent", decodeJitsuEvent, jitsuRecord],
] as const;

describe.each(DECODERS)("%s", (_name, decode, record) => {
  it("rejects or decodes fc.anything()", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => decodeOrReject(decode, input)),
      { numRuns: 200 },
    );
  });

  it("rejects or decodes any parsed fc.json()", () => {
    fc.assert(
      fc.property(fc.json(), (text) => decodeOrReject(decode, JSON.parse(text))),
      { numRuns: 200 },
    );
  });

  it("rejects or decodes records of its protocol's keys with weird values", () => {
    fc.assert(
      fc.property(record, (input) => decodeOrReject(decode, input)),
      { numRuns: 200 },
    );
  });

  it("rejects, does not crash on, deeply nested JSON", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    const inputs = [
      { e: "se", se_ac: "a", se_va: deep, event_type: "x", props: deep },
      { e: "ue", ue_pr: { schema: "s", data: { schema: "s/x", data: { deep } } }, event_type: "x" },
      { event_type: "x", user: { anonymous_id: "a", traits: deep } },
    ];
    for (const input of inputs) decodeOrReject(decode, input);
  });
});

describe("decodeSnowplowEvent on the SDK's real events", () => {
  it("rejects or decodes a real event with any one parameter made weird", () => {
    fc.assert(
      fc.property(mutatedSdkEvent, (input) => decodeOrReject(decodeSnowplowEvent, input)),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The HTTP endpoints of a real service

describe("HTTP endpoints", () => {
  let service: TestService;
  let appId: string;
  /** Event ids of events the service acknowledged; fresh ids for those sent without a valid one. */
  const acknowledged = new Set<string>();
  let anonymousAcks = 0;

  beforeAll(async () => {
    service = await startTestService();
    appId = (await service.createProject("fuzz")).appId;
  });
  afterAll(async () => {
    await service?.dispose();
  });

  const contentType = fc.constantFrom(
    "application/json; charset=UTF-8",
    "application/json",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "image/gif",
    "no/such-type",
    "application/json; charset=utf-16",
    "",
  );

  /** Bodies: real-looking payloads with random events, random JSON, text and bytes. */
  const body = (events: fc.Arbitrary<unknown>, wrap: (list: unknown[]) => unknown) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.array(events, { maxLength: 8 }).map((l) => JSON.stringify(wrap(l))),
      },
      { weight: 1, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.string() },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
      },
      { weight: 1, arbitrary: fc.constantFrom("", "{", "[]", "null", `{"data":${DEEP}}`) },
    );

  const snowplowEvent = fc.oneof(
    snowplowRecord,
    mutatedSdkEvent,
    fc.constantFrom(...sdkEvents("anonymous_default")),
  );

  async function send(
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    payload?: string,
  ): Promise<Response> {
    const init: RequestInit = { method, headers };
    if (payload !== undefined) init.body = payload;
    return fetch(`${service.url}${path}`, init);
  }

  /**
   * Checks one answer and records what it acknowledged. `items` is what the endpoint would
   * decode; a 200 acknowledges all of them but the ones it lists as rejected.
   */
  async function check(
    response: Response,
    items: () => unknown[],
    idKey: "eid" | "event_id",
  ): Promise<void> {
    expect(response.status, "never a 5xx").toBeLessThan(500);
    const text = await response.text();
    if (response.status >= 400) {
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const answer = JSON.parse(text) as { error?: unknown };
      expect(typeof answer.error).toBe("string");
      expect((answer.error as string).length).toBeGreaterThan(0);
      return;
    }
    expect(response.status).toBe(200);
    let rejected = new Set<number>();
    if (response.headers.get("content-type")?.startsWith("application/json")) {
      const answer = JSON.parse(text) as { status: string; rejected: { index: number }[] };
      expect(answer.status).toBe("ok");
      rejected = new Set(answer.rejected.map((r) => r.index));
    } else {
      expect(response.headers.get("content-type")).toBe("image/gif");
    }
    items().forEach((item, index) => {
      if (rejected.has(index)) return;
      const record = item as Record<string, unknown>;
      const id = record[idKey];
      if (isUuid(id)) acknowledged.add(id.toLowerCase());
      else anonymousAcks++;
    });
  }

  const appIdHeader = fc.constantFrom<"valid" | "none" | "wrong">(
    "valid",
    "valid",
    "none",
    "wrong",
  );
  const headersFor = (choice: "valid" | "none" | "wrong", type: string) => {
    const headers: Record<string, string> = { "sp-anonymous": "*" };
    if (type !== "") headers["content-type"] = type;
    if (choice === "valid") headers["x-gitlab-appid"] = appId;
    if (choice === "wrong") headers["x-gitlab-appid"] = "no-such-app";
    return headers;
  };

  it("POST /com.snowplowanalytics.snowplow/tp2 never answers 500", async () => {
    const wrap = (data: unknown[]) => ({
      schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
      data,
    });
    await fc.assert(
      fc.asyncProperty(
        body(snowplowEvent, wrap),
        contentType,
        appIdHeader,
        async (payload, type, key) => {
          const response = await send(
            "POST",
            "/com.snowplowanalytics.snowplow/tp2",
            headersFor(key, type),
            payload,
          );
          await check(response, () => (JSON.parse(payload) as { data: unknown[] }).data, "eid");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("GET /i never answers 500", async () => {
    const query = fc.oneof(
      snowplowEvent.map((params) => {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(params)) {
          search.set(key, typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
        }
        return search.toString();
      }),
      fc.string(),
      fc.constantFrom("e=pv&e=pv", "e=%ZZ", "e[]=pv", "e[a]=1", "=&&=", "e=pv&eid=%00"),
    );
    await fc.assert(
      fc.asyncProperty(query, appIdHeader, async (search, key) => {
        const path = `/i?${search.replaceAll("#", "%23")}`;
        const response = await send("GET", path, headersFor(key, ""));
        await check(response, () => [Object.fromEntries(new URLSearchParams(search))], "eid");
      }),
      { numRuns: 100 },
    );
  });

  it("POST /api/v1/event and /api/v1/s2s/event never answer 500", async () => {
    const jitsuEvent = fc.oneof(jitsuRecord, fc.constant({ event_type: "pageview", event_id: "" }));
    await fc.assert(
      fc.asyncProperty(
        body(jitsuEvent, (list) => (list.length === 1 ? list[0] : list)),
        contentType,
        fc.constantFrom("/api/v1/event", "/api/v1/s2s/event"),
        fc.constantFrom<"valid" | "none" | "wrong" | "twice">(
          "valid",
          "valid",
          "none",
          "wrong",
          "twice",
        ),
        async (payload, type, path, token) => {
          const query =
            token === "valid"
              ? `?token=${appId}`
              : token === "wrong"
                ? "?token=nope"
                : token === "twice"
                  ? `?token=${appId}&token=${appId}`
                  : "";
          const headers: Record<string, string> = type === "" ? {} : { "content-type": type };
          const response = await send("POST", `${path}${query}`, headers, payload);
          await check(
            response,
            () => {
              const parsed = JSON.parse(payload) as unknown;
              return Array.isArray(parsed) ? parsed : [parsed];
            },
            "event_id",
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("answers a deeply nested event with a 4xx, not a 500", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const jitsu = await send(
      "POST",
      `/api/v1/event?token=${appId}`,
      { "content-type": "application/json" },
      `{"event_type":"x","blob":${deep}}`,
    );
    expect(jitsu.status).toBe(400);
    expect(((await jitsu.json()) as { error: string }).error).toMatch(/nested/);
    const snowplow = await send(
      "POST",
      "/com.snowplowanalytics.snowplow/tp2",
      { "content-type": "application/json", "x-gitlab-appid": appId },
      JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
        data: [{ e: "se", se_ac: "a", se_va: 1 }],
      }).replace('"se_va":1', `"se_va":${deep}`),
    );
    expect(snowplow.status).toBe(400);
  });

  it("sets a deeply nested non-event aside with a 4xx, not a 500", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const jitsu = await send(
      "POST",
      `/api/v1/event?token=${appId}`,
      { "content-type": "text/plain" },
      `[${deep}]`,
    );
    expect(jitsu.status).toBe(400);
    const snowplow = await send(
      "POST",
      "/com.snowplowanalytics.snowplow/tp2",
      { "content-type": "application/json", "x-gitlab-appid": appId },
      `{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[${deep}]}`,
    );
    expect(snowplow.status).toBe(400);
  });

  it("still answers /healthz, and stored every acknowledged event exactly once", async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    await settle(service);
    expect(acknowledged.size + anonymousAcks).toBeGreaterThan(0);
    expect(await countEvents(service, "fuzz")).toBe(acknowledged.size + anonymousAcks);
  });
});
