/**
 * Authorization and isolation: a token names one project and reads only that project's events;
 * every bad credential gets 403 with nothing more than "Invalid token".
 */
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvents, NOW } from "./support/dataset.js";
import { ADMIN_TOKEN, API_SECRET, type QueryServer, startQueryServer } from "./support/server.js";

const events = [...buildEvents("alpha", 1, 30), ...buildEvents("gitlab_project_42", 2, 5)];
let server: QueryServer;

beforeAll(async () => {
  server = await startQueryServer(["alpha", "gitlab_project_42", "empty"], events, {
    now: () => NOW,
  });
});
afterAll(async () => server?.close());

const countQuery = { measures: ["TrackedEvents.count"] };
const load = (authorization?: string) =>
  fetch(
    `${server.url}/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(countQuery))}`,
    {
      headers: authorization === undefined ? {} : { authorization },
    },
  );
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = async (response: Response): Promise<any> => response.json();
const countFor = (id: string) => events.filter((e) => e.project_id === id && !e.is_bot).length;

describe("query authorization", () => {
  it("accepts GitLab's raw token and a Bearer token", async () => {
    const token = await server.token("alpha");
    for (const header of [token, `Bearer ${token}`]) {
      const response = await load(header);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body.data).toEqual([{ "TrackedEvents.count": String(countFor("alpha")) }]);
    }
  });

  it("reads only the token's project", async () => {
    const gitlab = await json(await load(await server.token("gitlab_project_42")));
    expect(gitlab.data[0]["TrackedEvents.count"]).toBe(String(countFor("gitlab_project_42")));
    const empty = await json(await load(await server.token("empty")));
    expect(empty.data[0]["TrackedEvents.count"]).toBe("0");
  });

  it("takes a projectId claim too", async () => {
    const token = await server.token("ignored", { appId: undefined, projectId: "alpha" });
    expect((await load(token)).status).toBe(200);
  });

  it("answers 403 without the header", async () => {
    const response = await load();
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "Authorization header isn't set" });
  });

  const invalid: Array<[string, () => Promise<string>]> = [
    [
      "a wrong signature",
      () => server.token("alpha", {}, "another-secret-0123456789-abcdefghijkl"),
    ],
    ["alg none", async () => new UnsecuredJWT({ appId: "alpha" }).setExpirationTime("1h").encode()],
    [
      "an expired token",
      () =>
        new SignJWT({ appId: "alpha" })
          .setProtectedHeader({ alg: "HS256" })
          .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
          .sign(new TextEncoder().encode(API_SECRET)),
    ],
    [
      "a token that never expires",
      () =>
        new SignJWT({ appId: "alpha" })
          .setProtectedHeader({ alg: "HS256" })
          .sign(new TextEncoder().encode(API_SECRET)),
    ],
    ["an unknown project", () => server.token("nobody")],
    ["no project claim", () => server.token("alpha", { appId: undefined })],
    ["garbage", async () => "not.a.jwt"],
  ];
  it.each(invalid)("answers 403 Invalid token for %s", async (_, make) => {
    const response = await load(await make());
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "Invalid token" });
  });

  it("guards meta, sql and dry-run too", async () => {
    for (const path of ["meta", "sql?query=%7B%7D", "dry-run?query=%7B%7D"]) {
      const response = await fetch(`${server.url}/cubejs-api/v1/${path}`);
      expect(response.status).toBe(403);
    }
  });

  it("puts the project filter into every compiled query, bound as a value", async () => {
    for (const measures of [
      ["TrackedEvents.count"],
      ["Sessions.repeatPercent"],
      ["ReturningUsers.count"],
    ]) {
      const { body } = await server.post("sql", "alpha", { query: { measures } });
      const [sql, params] = body.sql.sql as [string, unknown[]];
      // Sessions are read from the store's sessions rollup, and some event queries from a
      // rollup of events (the model's pre-aggregations), filtered the same way.
      expect(sql).toMatch(/FROM (events|sessions_rollup|rollup_\w+) WHERE project_id = \$1/);
      expect(sql).not.toContain("alpha");
      expect(params[0]).toBe("alpha");
      expect(sql.match(/FROM (events|sessions_rollup|rollup_\w+)\b/g)?.length).toBe(
        sql.match(/project_id = \$1/g)?.length,
      );
    }
  });
});

describe("query tokens", () => {
  const mint = (id: string, body: unknown, admin = ADMIN_TOKEN) =>
    fetch(`${server.url}/api/v1/projects/${id}/query-token`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("mints a token that reads the project", async () => {
    const response = await mint("alpha", { expiresIn: 600 });
    expect(response.status).toBe(201);
    const { token, projectId, expiresAt } = await json(response);
    expect(projectId).toBe("alpha");
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(590_000);
    const body = await json(await load(token));
    expect(body.data[0]["TrackedEvents.count"]).toBe(String(countFor("alpha")));
  });

  it("needs the admin credential, a known project and a sane lifetime", async () => {
    expect((await mint("alpha", { expiresIn: 60 }, "wrong-admin-token-0000000000")).status).toBe(
      401,
    );
    expect((await mint("nobody", { expiresIn: 60 })).status).toBe(404);
    expect((await mint("alpha", { expiresIn: -5 })).status).toBe(400);
    expect((await mint("alpha", { expiresIn: "soon" })).status).toBe(400);
  });
});
