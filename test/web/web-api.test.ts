/**
 * The web UI's endpoints over real HTTP: sessions in a cookie (and as the admin credential,
 * with the CSRF guard), query tokens, settings with key regeneration, usage, and the static
 * app with its SPA fallback.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { monthStart } from "../../src/web/project-stats.js";
import { startTestService, type TestService } from "../helpers/service.js";
import { WebClient } from "./web-client.js";

let service: TestService;
let web: WebClient;

const events = (projectId: string, at: number, n: number) =>
  Array.from({ length: n }, () => emptyEvent(projectId, randomUUID(), at));

beforeAll(async () => {
  service = await startTestService({ GLIMPSE_PUBLIC_URL: "https://collect.example.com/" });
  await service.createProject("shop", { name: "Shop" });
  await service.createProject("blog");
  const now = Date.now();
  // Seven this month, three two months ago (mid-month), one in the future window's edge.
  await service.ctx.store.insertEvents([
    ...events("shop", now - 1000, 7),
    ...events("shop", monthStart(now, -2) + 10 * 86_400_000, 3),
  ]);
  web = new WebClient(service.url);
});

afterAll(async () => {
  await service?.dispose();
});

describe("sessions", () => {
  it("refuses a wrong token without a cookie", async () => {
    const client = new WebClient(service.url);
    const answer = await client.signIn("not-the-token");
    expect(answer.status).toBe(401);
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect((await client.call("GET", "/api/v1/web/session")).status).toBe(401);
  });

  it("signs in with the admin token into an HttpOnly, SameSite=Strict cookie", async () => {
    const answer = await web.signIn(service.ctx.secrets.adminToken);
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^glimpse_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect((await web.call("GET", "/api/v1/web/session")).body.signedIn).toBe(true);
  });

  it("makes the cookie the admin credential of the admin and dashboards APIs", async () => {
    expect((await web.call("GET", "/api/v1/projects")).status).toBe(200);
    expect((await web.call("GET", "/api/v1/projects/shop/dashboards")).status).toBe(200);
    expect((await new WebClient(service.url).call("GET", "/api/v1/projects")).status).toBe(401);
  });

  it("accepts state-changing calls on the cookie only from script (JSON or the header)", async () => {
    const form = await web.call("POST", "/api/v1/projects", "id=csrf", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(401);
    const plain = await web.call("POST", "/api/v1/projects/blog/rotate-app-id", "", {
      "content-type": "text/plain",
    });
    expect(plain.status).toBe(401);
    const json = await web.call("POST", "/api/v1/projects", { id: "from_ui" });
    expect(json.status).toBe(201);
    const header = await web.call("DELETE", "/api/v1/projects/from_ui", undefined, {
      "x-glimpse-request": "1",
    });
    expect(header.status).toBe(204);
  });

  it("does not let a session cookie stand in when a wrong bearer token is given", async () => {
    const answer = await web.call("GET", "/api/v1/projects", undefined, {
      authorization: "Bearer wrong",
    });
    expect(answer.status).toBe(401);
  });

  it("signs out: the cookie is cleared and the session is gone", async () => {
    const client = new WebClient(service.url);
    await client.signIn(service.ctx.secrets.adminToken);
    const stolen = client.cookie;
    const out = await client.call("DELETE", "/api/v1/web/session");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    const replay = await fetch(`${service.url}/api/v1/projects`, {
      headers: { cookie: stolen ?? "" },
    });
    expect(replay.status).toBe(401);
  });
});

describe("query tokens for the signed-in app", () => {
  it("mints a short-lived token that the query API takes", async () => {
    const answer = await web.call("POST", "/api/v1/web/projects/shop/query-token", {});
    expect(answer.status).toBe(200);
    const lifetime = Date.parse(answer.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    const load = await fetch(`${service.url}/cubejs-api/v1/load`, {
      method: "POST",
      headers: { authorization: answer.body.token, "content-type": "application/json" },
      body: JSON.stringify({ query: { measures: ["TrackedEvents.count"] } }),
    });
    expect(load.status).toBe(200);
    expect(((await load.json()) as { data: Array<Record<string, string>> }).data).toEqual([
      { "TrackedEvents.count": "10" },
    ]);
  });

  it("answers 404 for an unknown project and 401 without a session", async () => {
    expect((await web.call("POST", "/api/v1/web/projects/nope/query-token", {})).status).toBe(404);
    const anonymous = new WebClient(service.url);
    expect((await anonymous.call("POST", "/api/v1/web/projects/shop/query-token", {})).status).toBe(
      401,
    );
  });
});

describe("settings", () => {
  it("shows the collector host, the store and the query API with the key masked", async () => {
    const { status, body } = await web.call("GET", "/api/v1/web/settings");
    expect(status).toBe(200);
    expect(body.collector.url).toBe("https://collect.example.com");
    expect(body.collector.sdkScriptUrl).toBe("https://collect.example.com/sdk/glimpse.min.js");
    expect(body.collector.jitsuEndpoint).toBe("https://collect.example.com/api/v1/event");
    expect(body.store).toEqual({
      kind: "duckdb",
      location: join(service.dataDir, "glimpse.duckdb"),
    });
    expect(body.queryApi.url).toBe(`${service.url}/cubejs-api/v1`);
    const secret = service.ctx.secrets.apiSecret;
    expect(body.queryApi.apiKey).toBe(`${"•".repeat(12)}${secret.slice(-4)}`);
    expect(JSON.stringify(body)).not.toContain(secret.slice(0, 12));
    expect(body.queryApi.canRegenerate).toBe(true);
  });

  it("takes the collector host from the request when no public URL is set", async () => {
    const other = await startTestService();
    try {
      const client = new WebClient(other.url);
      await client.signIn(other.ctx.secrets.adminToken);
      const { body } = await client.call("GET", "/api/v1/web/settings");
      expect(body.collector.url).toBe(other.url);
      // A session is bound to its service's admin token.
      expect((await web.call("GET", "/api/v1/web/settings")).status).toBe(200);
      const foreign = await fetch(`${other.url}/api/v1/web/settings`, {
        headers: { cookie: web.cookie ?? "" },
      });
      expect(foreign.status).toBe(401);
    } finally {
      await other.dispose();
    }
  });

  it("regenerates the API key in place: stored, old tokens refused, new ones work", async () => {
    const before = service.ctx.secrets.apiSecret;
    const oldToken = (await web.call("POST", "/api/v1/web/projects/shop/query-token", {})).body
      .token;
    const answer = await web.call("POST", "/api/v1/web/settings/api-key", {});
    expect(answer.status).toBe(200);
    const after = service.ctx.secrets.apiSecret;
    expect(after).not.toBe(before);
    expect(answer.body.value).toBe(after);
    expect(answer.body.apiKey).toBe(`${"•".repeat(12)}${after.slice(-4)}`);
    expect(readFileSync(join(service.dataDir, "api-secret"), "utf8").trim()).toBe(after);

    const meta = (token: string) =>
      fetch(`${service.url}/cubejs-api/v1/meta`, { headers: { authorization: token } });
    expect((await meta(oldToken)).status).toBe(403);
    const newToken = (await web.call("POST", "/api/v1/web/projects/shop/query-token", {})).body
      .token;
    expect((await meta(newToken)).status).toBe(200);
  });

  it("refuses to regenerate a key that the environment sets", async () => {
    const pinned = await startTestService({ GLIMPSE_API_SECRET: "x".repeat(40) });
    try {
      const client = new WebClient(pinned.url);
      await client.signIn(pinned.ctx.secrets.adminToken);
      expect((await client.call("GET", "/api/v1/web/settings")).body.queryApi.canRegenerate).toBe(
        false,
      );
      const answer = await client.call("POST", "/api/v1/web/settings/api-key", {});
      expect(answer.status).toBe(409);
      expect(pinned.ctx.secrets.apiSecret).toBe("x".repeat(40));
    } finally {
      await pinned.dispose();
    }
  });

  it("needs a session", async () => {
    const anonymous = new WebClient(service.url);
    expect((await anonymous.call("GET", "/api/v1/web/settings")).status).toBe(401);
    expect((await anonymous.call("POST", "/api/v1/web/settings/api-key", {})).status).toBe(401);
  });
});

describe("usage and project figures", () => {
  it("lists projects with this month's and all events", async () => {
    const { body } = await web.call("GET", "/api/v1/web/projects");
    const byId = Object.fromEntries(body.projects.map((p: { id: string }) => [p.id, p])) as Record<
      string,
      { eventsThisMonth: number; events: number; appId: string }
    >;
    expect(byId.shop).toMatchObject({ eventsThisMonth: 7, events: 10 });
    expect(byId.blog).toMatchObject({ eventsThisMonth: 0, events: 0 });
    expect(byId.shop?.appId).toBeTruthy();
    const stats = await web.call("GET", "/api/v1/web/projects/shop/stats");
    expect(stats.body).toEqual({ id: "shop", events: 10, eventsThisMonth: 7 });
    expect((await web.call("GET", "/api/v1/web/projects/nope/stats")).status).toBe(404);
  });

  it("counts events per month over the last twelve months, agreeing with /usage", async () => {
    const { status, body } = await web.call("GET", "/api/v1/web/usage");
    expect(status).toBe(200);
    const shop = body.projects.find((p: { id: string }) => p.id === "shop");
    expect(shop.months).toHaveLength(12);
    const now = new Date();
    const thisMonth = now.toISOString().slice(0, 7);
    const twoAgo = new Date(monthStart(now.getTime(), -2)).toISOString().slice(0, 7);
    expect(shop.months.at(-1)).toEqual({ month: thisMonth, events: 7 });
    expect(shop.months.at(-3)).toEqual({ month: twoAgo, events: 3 });
    expect(shop.months.reduce((n: number, m: { events: number }) => n + m.events, 0)).toBe(10);
    const [year, month] = twoAgo.split("-");
    const configurator = await fetch(`${service.url}/usage/shop/${Number(year)}/${Number(month)}`, {
      headers: service.admin,
    });
    expect(((await configurator.json()) as { result: number }).result).toBe(3);
    expect((await web.call("GET", "/api/v1/web/usage?months=0")).status).toBe(400);
  });
});

describe("the static app", () => {
  it("serves index.html at / and for app paths a browser opens, with a strict CSP", async () => {
    for (const path of ["/", "/projects/shop/dashboards/audience?range=7d"]) {
      const response = await fetch(`${service.url}${path}`, { headers: { accept: "text/html" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(await response.text()).toContain('<div id="app">');
    }
  });

  it("serves the hashed assets with long caching", async () => {
    const html = await (
      await fetch(`${service.url}/`, { headers: { accept: "text/html" } })
    ).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const response = await fetch(`${service.url}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("immutable");
  });

  it("keeps JSON 404s for API paths and non-HTML requests", async () => {
    const api = await fetch(`${service.url}/api/v1/nothing`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: "no route GET /api/v1/nothing" });
    const plain = await fetch(`${service.url}/somewhere`);
    expect(plain.status).toBe(404);
    const missingAsset = await fetch(`${service.url}/logo.png`, {
      headers: { accept: "text/html" },
    });
    expect(missingAsset.status).toBe(404);
  });
});
