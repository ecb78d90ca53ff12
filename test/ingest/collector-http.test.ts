/**
 * The collector over real HTTP into a real DuckDB file: GitLab's SDK requests replayed as they
 * were captured, Jitsu's endpoints, CORS, dedup of re-sent events, and every refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countEvents, settle, startTestService, type TestService } from "../helpers/service.js";
import { capture, sdkEvent } from "./gitlab-sdk-fixture.js";

const CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const TP2 = "/com.snowplowanalytics.snowplow/tp2";
const PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";

let service: TestService;
let appId: string;

beforeAll(async () => {
  service = await startTestService();
  ({ appId } = await service.createProject("shop"));
});
afterAll(async () => {
  await service.dispose();
});

/** Replays a captured request with our app id (and a browser's user agent). */
function replay(request: (typeof capture.anonymous_default)[number]) {
  const headers: Record<string, string> = { "user-agent": CHROME };
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = value.replaceAll("APPID", appId);
  return fetch(`${service.url}${request.url}`, {
    method: request.method,
    headers,
    ...(request.body ? { body: JSON.stringify(request.body).replaceAll("APPID", appId) } : {}),
  });
}

interface Answer {
  error?: string;
  status?: string;
  accepted?: number;
  rejected?: Array<{ index: number; reason: string }>;
}
const answer = async (response: Response | null | undefined) => (await response?.json()) as Answer;

const rows = (sql: string, params: (string | number)[] = []) =>
  service.ctx.store.query(sql, params);

function tp2(events: unknown[], headers: Record<string, string> = {}) {
  return fetch(`${service.url}${TP2}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": CHROME, ...headers },
    body: JSON.stringify({ schema: PAYLOAD_SCHEMA, data: events }),
  });
}

describe("GitLab's browser SDK, as captured", () => {
  it("gets the CORS answers a credentialed cross-origin request needs", async () => {
    const preflight = capture.anonymous_default[0];
    expect(preflight?.method).toBe("OPTIONS");
    const response = await replay(preflight as NonNullable<typeof preflight>);
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe(preflight?.headers.origin);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    const allowed = (response.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["content-type", "sp-anonymous", "x-gitlab-appid"])
      expect(allowed).toContain(header);
  });

  it("answers cross-origin preflights on the collector's paths only, never on the admin API", async () => {
    const preflight = (path: string) =>
      fetch(`${service.url}${path}`, {
        method: "OPTIONS",
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,x-glimpse-request",
        },
      });
    const collector = await preflight("/api/v1/event?token=x");
    expect(collector.headers.get("access-control-allow-origin")).toBe("https://evil.example");
    for (const path of [
      "/api/v1/projects",
      "/api/v1/web/settings/rotate-api-secret",
      "/setup-project/x",
    ]) {
      const admin = await preflight(path);
      expect(admin.headers.get("access-control-allow-origin")).toBeNull();
      expect(admin.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("stores every event of both sessions once, enriched, after acknowledging them", async () => {
    for (const session of ["anonymous_default", "with_cookie_consent"] as const) {
      for (const request of capture[session].filter((r) => r.method === "POST")) {
        const response = await replay(request);
        expect(response.status).toBe(200);
        expect(response.headers.get("access-control-allow-origin")).toBe(request.headers.origin);
        expect(response.headers.get("access-control-allow-credentials")).toBe("true");
        expect(await answer(response)).toMatchObject({ status: "ok", rejected: [] });
      }
    }
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(10);

    const anonymous = await rows(
      "SELECT * FROM events WHERE project_id = 'shop' AND anonymous ORDER BY derived_tstamp, event_id",
    );
    expect(anonymous).toHaveLength(5);
    for (const event of anonymous) {
      expect(event.ip).toBeNull();
      expect(event.user_id).toBeNull();
      expect(event.agent_name).toBe("Chrome");
      expect(event.os_family).toBe("Linux");
      expect(event.is_bot).toBe(false);
    }
    // One visitor and one session derived for the anonymous page script.
    expect(new Set(anonymous.map((e) => e.domain_userid)).size).toBe(1);
    expect(new Set(anonymous.map((e) => e.session_id)).size).toBe(1);

    const consented = await rows(
      "SELECT * FROM events WHERE project_id = 'shop' AND NOT anonymous",
    );
    expect(consented).toHaveLength(5);
    expect(new Set(consented.map((e) => e.session_id))).toEqual(
      new Set(["74bbe01d-47a8-42aa-8a14-16c027010ca3"]),
    );
    expect(consented.every((e) => e.ip === "127.0.0.0")).toBe(true);

    const types = await rows(
      "SELECT event_type, event_name, count(*)::INTEGER AS n FROM events WHERE project_id = 'shop' GROUP BY ALL ORDER BY ALL",
    );
    expect(types).toEqual([
      { event_type: "custom", event_name: "add_to_cart", n: 4 },
      { event_type: "link_click", event_name: null, n: 2 },
      { event_type: "page_view", event_name: null, n: 4 },
    ]);
    const [click] = await rows(
      "SELECT target_url, element_id FROM events WHERE event_type = 'link_click' LIMIT 1",
    );
    expect(click?.element_id).toBe("docs");
  });

  it("does not store an event twice when the SDK re-sends a batch it saw no answer for", async () => {
    const before = await countEvents(service, "shop");
    const request = capture.with_cookie_consent.find((r) => r.method === "POST");
    expect((await replay(request as NonNullable<typeof request>)).status).toBe(200);
    expect((await replay(request as NonNullable<typeof request>)).status).toBe(200);
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(before);
  });
});

describe("Snowplow GET pixel", () => {
  it("answers a 1×1 GIF and stores the event", async () => {
    const before = await countEvents(service, "shop");
    const query = new URLSearchParams({
      e: "pv",
      aid: appId,
      url: "https://shop.example.com/pixel",
      page: "Pixel",
    });
    const response = await fetch(`${service.url}/i?${query}`, {
      headers: { "user-agent": CHROME },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect((await response.arrayBuffer()).byteLength).toBe(42);
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(before + 1);
    const [row] = await rows(
      "SELECT page_urlpath, page_title FROM events WHERE page_urlpath = '/pixel'",
    );
    expect(row).toEqual({ page_urlpath: "/pixel", page_title: "Pixel" });
  });
});

describe("Jitsu", () => {
  const pageview = {
    event_type: "pageview",
    event_id: "",
    user: { anonymous_id: "jitsu-anon-1" },
    utc_time: new Date().toISOString(),
    url: "https://shop.example.com/jitsu?utm_source=mail",
    page_title: "Jitsu page",
    referer: "https://www.google.com/search",
    user_agent: CHROME,
    src: "eventn",
  };

  it("accepts the browser endpoint by sendBeacon (text/plain) and the server endpoint", async () => {
    const beacon = await fetch(`${service.url}/api/v1/event?token=${appId}`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(pageview),
    });
    expect(beacon.status).toBe(200);
    const s2s = await fetch(`${service.url}/api/v1/s2s/event?token=${appId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...pageview,
        event_type: "order_placed",
        total: 42,
        user: { id: "u-7" },
      }),
    });
    expect(s2s.status).toBe(200);
    await settle(service);
    const stored = await rows(
      "SELECT event_type, event_name, utm_source, refr_urlhost, custom_props, user_id FROM events WHERE page_urlpath = '/jitsu' ORDER BY event_type",
    );
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      event_type: "custom",
      event_name: "order_placed",
      user_id: "u-7",
    });
    expect(JSON.parse(stored[0]?.custom_props as string)).toEqual({ total: 42 });
    expect(stored[1]).toMatchObject({
      event_type: "page_view",
      utm_source: "mail",
      refr_urlhost: "www.google.com",
    });
  });

  it("server-side events: the backend's own agent and address are not the user's", async () => {
    const s2s = await fetch(`${service.url}/api/v1/s2s/event?token=${appId}`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "node" },
      body: JSON.stringify({
        event_type: "invoice_paid",
        user: { id: "u-9" },
        url: "https://shop.example.com/s2s",
      }),
    });
    expect(s2s.status).toBe(200);
    const srv = await fetch(`${service.url}${TP2}`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "node" },
      body: JSON.stringify({
        schema: PAYLOAD_SCHEMA,
        data: [{ e: "pv", p: "srv", aid: appId, uid: "u-9", url: "https://shop.example.com/srv" }],
      }),
    });
    expect(srv.status).toBe(200);
    await settle(service);
    const stored = await rows(
      "SELECT page_urlpath, is_bot, useragent, ip FROM events WHERE page_urlpath IN ('/s2s', '/srv') ORDER BY 1",
    );
    expect(stored).toEqual([
      { page_urlpath: "/s2s", is_bot: false, useragent: null, ip: null },
      { page_urlpath: "/srv", is_bot: false, useragent: null, ip: null },
    ]);
  });

  it("behind a trusted proxy, the client's address is the first of X-Forwarded-For (tp2 and GET /i)", async () => {
    const proxied = await startTestService({ GLIMPSE_TRUST_PROXY: "true" });
    try {
      const { appId: key } = await proxied.createProject("proxied");
      const event = { e: "pv", aid: key, duid: "d-1", url: "https://shop.example.com/proxied" };
      const forwarded = { "x-forwarded-for": "203.0.113.77, 10.0.0.1" };
      const post = await fetch(`${proxied.url}${TP2}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...forwarded },
        body: JSON.stringify({
          schema: PAYLOAD_SCHEMA,
          data: [{ ...event, eid: crypto.randomUUID() }],
        }),
      });
      expect(post.status).toBe(200);
      const pixel = await fetch(`${proxied.url}/i?${new URLSearchParams(event)}`, {
        headers: forwarded,
      });
      expect(pixel.status).toBe(200);
      await settle(proxied);
      const stored = await proxied.ctx.store.query(
        "SELECT ip FROM events WHERE project_id = 'proxied'",
      );
      expect(stored).toEqual([{ ip: "203.0.113.0" }, { ip: "203.0.113.0" }]);
    } finally {
      await proxied.dispose();
    }
  });

  it("refuses an unknown or missing token with 403 and stores nothing", async () => {
    const before = await countEvents(service, "shop");
    for (const path of ["/api/v1/event?token=nope", "/api/v1/event"]) {
      const response = await fetch(`${service.url}${path}`, {
        method: "POST",
        body: JSON.stringify(pageview),
      });
      expect(response.status).toBe(403);
      expect((await answer(response)).error).toMatch(/app id/);
    }
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(before);
  });
});

describe("bad input gets a clear answer and the good part of a batch is kept", () => {
  it("unknown app id: 403, nothing stored, even for the valid events of the batch", async () => {
    const before = await countEvents(service, "shop");
    const response = await tp2([
      { ...sdkEvent("with_cookie_consent", 0), eid: crypto.randomUUID(), aid: "unknown" },
    ]);
    expect(response.status).toBe(403);
    expect(await answer(response)).toEqual({ error: "unknown app id" });
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(before);
  });

  it("a mixed batch: valid events stored, invalid ones answered and kept in the dead-letter table", async () => {
    const before = await countEvents(service, "shop");
    const good = { ...sdkEvent("with_cookie_consent", 0), eid: crypto.randomUUID(), aid: appId };
    const response = await tp2([
      good,
      { e: "zz", aid: appId },
      { ...good, eid: crypto.randomUUID(), dtm: "soon" },
    ]);
    expect(response.status).toBe(200);
    const body = await answer(response);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, reason: 'unknown event type e="zz"' },
      { index: 2, reason: "dtm is not a timestamp in milliseconds: soon" },
    ]);
    await settle(service);
    expect(await countEvents(service, "shop")).toBe(before + 1);

    const listed = await fetch(`${service.url}/api/v1/projects/shop/rejected`, {
      headers: service.admin,
    });
    const { rejected } = (await listed.json()) as {
      rejected: Array<{ reason: string; payload: string }>;
    };
    expect(rejected.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        'unknown event type e="zz"',
        "dtm is not a timestamp in milliseconds: soon",
      ]),
    );
    expect(
      JSON.parse(rejected.find((r) => r.reason.startsWith("unknown"))?.payload as string),
    ).toEqual({
      e: "zz",
      aid: appId,
    });
  });

  it("a batch with no valid event: 400 naming the first problem", async () => {
    const response = await tp2([{ e: "pv", aid: appId, url: "x".repeat(10_000) }]);
    expect(response.status).toBe(400);
    expect((await answer(response)).error).toBe(
      "no valid event: event 0: url is 10000 characters, over the limit of 8192",
    );
  });

  it.each([
    ["not JSON", "{nope", 400, /not JSON/],
    ["an empty body", "", 400, /empty/],
    [
      "a wrong schema",
      JSON.stringify({ schema: "iglu:x/y/jsonschema/1-0-0", data: [] }),
      400,
      /schema must be/,
    ],
    ["data not an array", JSON.stringify({ schema: PAYLOAD_SCHEMA, data: {} }), 400, /array/],
    ["no events", JSON.stringify({ schema: PAYLOAD_SCHEMA, data: [] }), 400, /no events/],
    [
      "1001 events",
      JSON.stringify({
        schema: PAYLOAD_SCHEMA,
        data: Array.from({ length: 1001 }, () => ({ e: "pv" })),
      }),
      413,
      /1001 events in one request; at most 1000/,
    ],
    [
      "a body over 1 MiB",
      JSON.stringify({ schema: PAYLOAD_SCHEMA, data: [{ e: "pv", page: "x".repeat(1_100_000) }] }),
      413,
      /over the limit of 1048576 bytes/,
    ],
  ])("%s: %i with a JSON error", async (_name, body, status, message) => {
    const response = await fetch(`${service.url}${TP2}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(status);
    expect((await answer(response)).error).toMatch(message);
  });
});

describe("back-pressure", () => {
  it("answers 503 with Retry-After when the write-ahead log is at its cap, and stores what it acknowledged", async () => {
    // A writer that never runs on its own: the log only grows.
    const slow = await startTestService(
      { GLIMPSE_WAL_MAX_BYTES: "1000000" },
      { flushIntervalMs: 3_600_000, flushMaxEvents: 10_000_000 },
    );
    try {
      const { appId: key } = await slow.createProject("slow");
      let acknowledged = 0;
      let refused: Response | null = null;
      for (let i = 0; i < 100 && !refused; i++) {
        const events = Array.from({ length: 100 }, () => ({
          ...sdkEvent("with_cookie_consent", 0),
          eid: crypto.randomUUID(),
          aid: key,
        }));
        const response = await fetch(`${slow.url}${TP2}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ schema: PAYLOAD_SCHEMA, data: events }),
        });
        if (response.status === 200) acknowledged += 100;
        else refused = response;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get("retry-after")).toBe("5");
      expect((await answer(refused)).error).toMatch(/retry later/);
      expect(acknowledged).toBeGreaterThan(0);
      await settle(slow);
      expect(await countEvents(slow, "slow")).toBe(acknowledged);
    } finally {
      await slow.dispose();
    }
  });
});
