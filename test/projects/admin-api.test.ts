/** The admin API for projects and GitLab's configurator calls, over real HTTP. */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countEvents, settle, startTestService, type TestService } from "../helpers/service.js";

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.dispose();
});

interface ProjectBody {
  id: string;
  name: string;
  appId: string;
  repository: string | null;
  createdAt: string;
}

const PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";

async function api(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = service.admin,
): Promise<{ status: number; json: unknown; text: string }> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const response = await fetch(`${service.url}${path}`, init);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

/** Sends Snowplow events (tp2 POST); returns the HTTP status and body. */
async function track(events: Array<Record<string, unknown>>) {
  const response = await fetch(`${service.url}/com.snowplowanalytics.snowplow/tp2`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify({ schema: PAYLOAD_SCHEMA, data: events }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const pageView = (appId: string) => ({ e: "pv", aid: appId, url: "https://a.example/" });

async function projectIds(): Promise<string[]> {
  const list = await api("GET", "/api/v1/projects");
  return (list.json as { projects: ProjectBody[] }).projects.map((p) => p.id);
}

describe("POST /api/v1/projects", () => {
  it("creates a project and answers 201 with it", async () => {
    const before = Date.now();
    const res = await api("POST", "/api/v1/projects", {
      id: "create_full",
      name: "Create full",
      repository: "/srv/dashboards",
    });
    expect(res.status).toBe(201);
    const project = res.json as ProjectBody;
    expect(project).toMatchObject({
      id: "create_full",
      name: "Create full",
      repository: "/srv/dashboards",
    });
    expect(project.appId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const created = Date.parse(project.createdAt);
    expect(Number.isNaN(created)).toBe(false);
    expect(created).toBeGreaterThanOrEqual(before - 2000);
    expect(created).toBeLessThanOrEqual(Date.now() + 2000);
  });

  it("defaults the name to the id and the repository to null", async () => {
    const res = await api("POST", "/api/v1/projects", { id: "create_min" });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: "create_min", name: "create_min", repository: null });
  });

  it("gives every project its own app id", async () => {
    const a = await service.createProject("distinct_a");
    const b = await service.createProject("distinct_b");
    expect(a.appId).not.toBe(b.appId);
  });

  it("answers 409 for a duplicate id and keeps the original", async () => {
    const first = await service.createProject("dup");
    const res = await api("POST", "/api/v1/projects", { id: "dup", name: "Other" });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: expect.stringContaining("dup") });
    const after = await api("GET", "/api/v1/projects/dup");
    expect(after.json).toMatchObject({ id: "dup", name: "dup", appId: first.appId });
  });

  it.each([
    ["uppercase", "Shop"],
    ["too long", "a".repeat(65)],
    ["path traversal", "../x"],
    ["empty", ""],
    ["dash", "my-shop"],
    ["space", "my shop"],
  ])("answers 400 naming the rule for a bad id (%s)", async (_label, id) => {
    const before = await projectIds();
    const res = await api("POST", "/api/v1/projects", { id });
    expect(res.status).toBe(400);
    const error = (res.json as { error: string }).error;
    expect(error).toContain("id");
    expect(error).toContain("1-64 characters of a-z, 0-9 and _");
    expect(await projectIds()).toEqual(before);
  });

  it("accepts an id of exactly 64 characters", async () => {
    const res = await api("POST", "/api/v1/projects", { id: "b".repeat(64) });
    expect(res.status).toBe(201);
  });

  it("answers 400 for a missing id", async () => {
    const res = await api("POST", "/api/v1/projects", { name: "No id" });
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/^id: /);
  });

  it("answers 400 for unknown fields, naming them", async () => {
    const res = await api("POST", "/api/v1/projects", { id: "unknown_field", colour: "red" });
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toContain("colour");
    expect((await api("GET", "/api/v1/projects/unknown_field")).status).toBe(404);
  });

  it("answers 400 for a body poisoning the prototype", async () => {
    const res = await api("POST", "/api/v1/projects", '{"id":"proto","__proto__":{"x":1}}');
    expect(res.status).toBe(400);
    expect((await api("GET", "/api/v1/projects/proto")).status).toBe(404);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await api("POST", "/api/v1/projects", "{not json");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.any(String) });
  });
});

describe("GET, PATCH /api/v1/projects", () => {
  it("lists projects, sorted by id", async () => {
    await service.createProject("list_b");
    await service.createProject("list_a");
    const ids = await projectIds();
    expect(ids).toContain("list_a");
    expect(ids).toContain("list_b");
    expect(ids).toEqual([...ids].sort());
  });

  it("gets one project", async () => {
    const created = await service.createProject("get_one", { name: "Get one" });
    const res = await api("GET", "/api/v1/projects/get_one");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: "get_one", name: "Get one", appId: created.appId });
  });

  it("answers 404 for an unknown project on every route", async () => {
    for (const [method, path, body] of [
      ["GET", "/api/v1/projects/nope", undefined],
      ["PATCH", "/api/v1/projects/nope", { name: "x" }],
      ["DELETE", "/api/v1/projects/nope", undefined],
      ["POST", "/api/v1/projects/nope/rotate-app-id", undefined],
      ["GET", "/api/v1/projects/nope/rejected", undefined],
    ] as const) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json, `${method} ${path}`).toEqual({ error: "project nope not found" });
    }
  });

  it("answers 400 naming the rule for a malformed id in the URL", async () => {
    const res = await api("GET", "/api/v1/projects/Bad-Id");
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toContain("1-64 characters of a-z, 0-9 and _");
  });

  it("updates name, repository and dashboards ref", async () => {
    const created = await service.createProject("patch_me");
    const res = await api("PATCH", "/api/v1/projects/patch_me", {
      name: "Patched",
      repository: "/srv/repo",
      dashboardsRef: "main",
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: "patch_me",
      name: "Patched",
      repository: "/srv/repo",
      dashboardsRef: "main",
      appId: created.appId,
    });
    // A partial change keeps the rest; null clears the repository.
    const again = await api("PATCH", "/api/v1/projects/patch_me", { repository: null });
    expect(again.json).toMatchObject({ name: "Patched", repository: null, dashboardsRef: "main" });
    const read = await api("GET", "/api/v1/projects/patch_me");
    expect(read.json).toEqual(again.json);
  });

  it("rejects unknown or immutable fields in a PATCH", async () => {
    await service.createProject("patch_strict");
    for (const body of [{ appId: "mine" }, { id: "other" }, { colour: "red" }]) {
      const res = await api("PATCH", "/api/v1/projects/patch_strict", body);
      expect(res.status).toBe(400);
    }
    expect((await api("GET", "/api/v1/projects/patch_strict")).json).toMatchObject({
      id: "patch_strict",
      name: "patch_strict",
    });
  });
});

describe("DELETE /api/v1/projects/:id", () => {
  it("removes the project and its events; its app id is refused afterwards", async () => {
    const project = await service.createProject("delete_me");
    const keep = await service.createProject("delete_keep");
    expect((await track([pageView(project.appId), pageView(project.appId)])).status).toBe(200);
    expect((await track([pageView(keep.appId)])).status).toBe(200);
    await settle(service);
    expect(await countEvents(service, "delete_me")).toBe(2);

    const res = await api("DELETE", "/api/v1/projects/delete_me");
    expect(res.status).toBe(204);
    expect(await countEvents(service, "delete_me")).toBe(0);
    expect((await api("GET", "/api/v1/projects/delete_me")).status).toBe(404);
    expect(await projectIds()).not.toContain("delete_me");

    const refused = await track([pageView(project.appId)]);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ error: "unknown app id" });
    await settle(service);
    expect(await countEvents(service, "delete_me")).toBe(0);
    // Other projects keep their events.
    expect(await countEvents(service, "delete_keep")).toBe(1);
  });

  it("also removes events acknowledged but not yet loaded into the store", async () => {
    const project = await service.createProject("delete_pending");
    expect((await track([pageView(project.appId)])).status).toBe(200);
    // No settle: the event is still in the write-ahead log.
    expect((await api("DELETE", "/api/v1/projects/delete_pending")).status).toBe(204);
    await settle(service);
    expect(await countEvents(service, "delete_pending")).toBe(0);
  });

  it("a project created again under a deleted id starts empty with a new app id", async () => {
    const first = await service.createProject("reborn");
    expect((await track([pageView(first.appId)])).status).toBe(200);
    await settle(service);
    expect((await api("DELETE", "/api/v1/projects/reborn")).status).toBe(204);
    const second = await service.createProject("reborn");
    expect(second.appId).not.toBe(first.appId);
    expect(await countEvents(service, "reborn")).toBe(0);
    expect((await track([pageView(first.appId)])).status).toBe(403);
  });
});

describe("POST /api/v1/projects/:id/rotate-app-id", () => {
  it("issues a new key; the new one works and the old one gets 403", async () => {
    const project = await service.createProject("rotate_me");
    // Warm the collector's key cache with the old key first.
    expect((await track([pageView(project.appId)])).status).toBe(200);

    const res = await api("POST", "/api/v1/projects/rotate_me/rotate-app-id");
    expect(res.status).toBe(200);
    const rotated = res.json as ProjectBody;
    expect(rotated.id).toBe("rotate_me");
    expect(rotated.appId).not.toBe(project.appId);
    expect(rotated.appId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect((await api("GET", "/api/v1/projects/rotate_me")).json).toMatchObject({
      appId: rotated.appId,
    });

    const fresh = await track([pageView(rotated.appId)]);
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ accepted: 1 });
    const stale = await track([pageView(project.appId)]);
    expect(stale.status).toBe(403);
    await settle(service);
    expect(await countEvents(service, "rotate_me")).toBe(2);
  });
});

describe("GET /api/v1/projects/:id/rejected", () => {
  it("lists a rejected event with its reason and payload, keeping the valid one", async () => {
    const project = await service.createProject("rejects");
    const sent = await track([pageView(project.appId), { e: "zz" }]);
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });

    const res = await api("GET", "/api/v1/projects/rejects/rejected");
    expect(res.status).toBe(200);
    const { rejected } = res.json as {
      rejected: Array<{ projectId: string; receivedAt: string; reason: string; payload: string }>;
    };
    expect(rejected).toHaveLength(1);
    const [row] = rejected;
    expect(row?.projectId).toBe("rejects");
    expect(row?.reason).toContain("unknown event type");
    expect(row?.reason).toContain("zz");
    expect(JSON.parse(row?.payload ?? "null")).toEqual({ e: "zz" });
    expect(Math.abs(Date.parse(row?.receivedAt ?? "") - Date.now())).toBeLessThan(60_000);

    await settle(service);
    expect(await countEvents(service, "rejects")).toBe(1);
  });

  it("is empty for a project without rejected events", async () => {
    await service.createProject("no_rejects");
    const res = await api("GET", "/api/v1/projects/no_rejects/rejected");
    expect(res.json).toEqual({ rejected: [] });
  });
});

describe("the admin credential", () => {
  const token = () => service.ctx.secrets.adminToken;
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const json = { "content-type": "application/json" };

  const refusedCredentials = () =>
    [
      ["missing", json],
      ["wrong bearer", { ...json, authorization: "Bearer not-the-token-at-all" }],
      ["token prefix", { ...json, authorization: `Bearer ${token().slice(0, -1)}` }],
      ["empty bearer", { ...json, authorization: "Bearer " }],
      ["wrong basic password", { ...json, authorization: basic("gitlab", "nope") }],
      ["token as basic user", { ...json, authorization: basic(token(), "") }],
      ["unknown scheme", { ...json, authorization: `Token ${token()}` }],
    ] as Array<[string, Record<string, string>]>;

  it("answers 401 without a valid credential and changes nothing", async () => {
    const project = await service.createProject("guarded");
    const before = await api("GET", "/api/v1/projects");
    for (const [label, headers] of refusedCredentials()) {
      const attempts = [
        await api("GET", "/api/v1/projects", undefined, headers),
        await api("GET", "/api/v1/projects/guarded", undefined, headers),
        await api("POST", "/api/v1/projects", { id: "intruder" }, headers),
        await api("PATCH", "/api/v1/projects/guarded", { name: "Owned" }, headers),
        await api("DELETE", "/api/v1/projects/guarded", undefined, headers),
        await api("POST", "/api/v1/projects/guarded/rotate-app-id", undefined, headers),
        await api("GET", "/api/v1/projects/guarded/rejected", undefined, headers),
        await api("POST", "/setup-project/intruder_setup", undefined, headers),
        await api("GET", "/usage/guarded/2024/1", undefined, headers),
      ];
      for (const attempt of attempts) {
        expect(attempt.status, label).toBe(401);
        expect(attempt.json, label).toEqual({ error: "missing or invalid admin credential" });
        expect(attempt.text, label).not.toContain(token());
      }
    }
    expect(await api("GET", "/api/v1/projects")).toEqual(before);
    expect((await api("GET", "/api/v1/projects/guarded")).json).toMatchObject({
      name: "guarded",
      appId: project.appId,
    });
    expect((await api("GET", "/api/v1/projects/intruder")).status).toBe(404);
    expect((await api("GET", "/api/v1/projects/intruder_setup")).status).toBe(404);
  });

  it("asks for the credential with WWW-Authenticate", async () => {
    const response = await fetch(`${service.url}/api/v1/projects`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("accepts HTTP basic auth whose password is the admin token", async () => {
    const headers = { ...json, authorization: basic("gitlab", token()) };
    const res = await api("POST", "/setup-project/basic_auth", undefined, headers);
    expect(res.status).toBe(200);
    expect((await api("GET", "/api/v1/projects/basic_auth", undefined, headers)).status).toBe(200);
    // An empty user name works too.
    expect(
      (await api("GET", "/api/v1/projects", undefined, { authorization: basic("", token()) }))
        .status,
    ).toBe(200);
  });

  it("accepts the credential written into the URL, as GitLab configures it", async () => {
    // fetch refuses URLs with credentials; node:http turns the URL's user info into basic auth,
    // as GitLab's HTTP client does with the configurator URL.
    const { host } = new URL(service.url);
    const url = `http://gitlab:${encodeURIComponent(token())}@${host}/setup-project/url_auth`;
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const request = httpRequest(url, { method: "POST" }, (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on("error", reject);
        request.end();
      },
    );
    expect(status).toBe(200);
    const { app_id } = JSON.parse(body) as { app_id: string };
    expect((await api("GET", "/api/v1/projects/url_auth")).json).toMatchObject({ appId: app_id });
  });
});

describe("GitLab's configurator: POST /setup-project/:id", () => {
  const post = (id: string, body: string | undefined, contentType: string | null) => {
    const headers: Record<string, string> = { authorization: service.admin.authorization ?? "" };
    if (contentType) headers["content-type"] = contentType;
    const init: RequestInit = { method: "POST", headers };
    if (body !== undefined) init.body = body;
    return fetch(`${service.url}/setup-project/${id}`, init);
  };

  it("creates the project with an empty body and answers its app id", async () => {
    const response = await post("gitlab_project_42", undefined, null);
    expect(response.status).toBe(200);
    const { app_id } = (await response.json()) as { app_id: string };
    expect(app_id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect((await api("GET", "/api/v1/projects/gitlab_project_42")).json).toMatchObject({
      id: "gitlab_project_42",
      appId: app_id,
    });
    // The key works for ingestion at once.
    expect((await track([pageView(app_id)])).status).toBe(200);
  });

  it("is idempotent: the same project again answers the same app id", async () => {
    const first = await post("gitlab_project_43", undefined, null);
    const second = await post("gitlab_project_43", undefined, null);
    const third = await post("gitlab_project_43", "{}", "application/json");
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    const [a, b, c] = (await Promise.all([first.json(), second.json(), third.json()])) as Array<{
      app_id: string;
    }>;
    expect(a?.app_id).toEqual(expect.any(String));
    expect(b?.app_id).toBe(a?.app_id);
    expect(c?.app_id).toBe(a?.app_id);
    expect((await projectIds()).filter((id) => id === "gitlab_project_43")).toHaveLength(1);
  });

  it("creates the project with a JSON body of {}", async () => {
    const response = await post("gitlab_project_44", "{}", "application/json");
    expect(response.status).toBe(200);
    const { app_id } = (await response.json()) as { app_id: string };
    expect(app_id).toEqual(expect.any(String));
    const again = await post("gitlab_project_44", "{}", "application/json");
    expect(await again.json()).toEqual({ app_id });
  });

  it("creates the project with an empty body sent as application/json", async () => {
    const response = await post("gitlab_project_45", "", "application/json");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ app_id: expect.any(String) });
  });

  it("answers an existing project's app id (created through the admin API)", async () => {
    const project = await service.createProject("setup_existing");
    const response = await post("setup_existing", undefined, null);
    expect(await response.json()).toEqual({ app_id: project.appId });
  });

  it("serves concurrent first calls with one project and one app id", async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => post("setup_race", undefined, null)),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ app_id: string }>;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(bodies.map((b) => b.app_id)).size).toBe(1);
    const stored = (await api("GET", "/api/v1/projects/setup_race")).json as ProjectBody;
    expect(bodies[0]?.app_id).toBe(stored.appId);
  });

  it("answers 400 naming the rule for a bad id", async () => {
    const response = await post("Bad_Project", undefined, null);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(
      "1-64 characters of a-z, 0-9 and _",
    );
  });
});

describe("GitLab's configurator: GET /usage/:id/:year/:month", () => {
  it("counts the events stored in a UTC month", async () => {
    const project = await service.createProject("usage");
    expect((await track([pageView(project.appId), pageView(project.appId)])).status).toBe(200);
    expect((await track([pageView(project.appId)])).status).toBe(200);
    await settle(service);

    const now = new Date();
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 1;
    const current = await api("GET", `/usage/usage/${year}/${month}`);
    expect(current.status).toBe(200);
    expect(current.json).toEqual({ result: 3 });
    // Zero-padded month as well.
    const padded = await api("GET", `/usage/usage/${year}/${String(month).padStart(2, "0")}`);
    expect(padded.json).toEqual({ result: 3 });

    const other = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
    expect((await api("GET", `/usage/usage/${other.year}/${other.month}`)).json).toEqual({
      result: 0,
    });
    expect((await api("GET", `/usage/usage/${year + 1}/${month}`)).json).toEqual({ result: 0 });
  });

  it("counts only the project's own events", async () => {
    await service.createProject("usage_empty");
    const now = new Date();
    const res = await api(
      "GET",
      `/usage/usage_empty/${now.getUTCFullYear()}/${now.getUTCMonth() + 1}`,
    );
    expect(res.json).toEqual({ result: 0 });
  });

  it.each([
    ["month 13", "2024/13"],
    ["month 0", "2024/0"],
    ["not a number", "2024/may"],
    ["fractional month", "2024/1.5"],
    ["year out of range", "1999/1"],
  ])("answers 400 for %s", async (_label, yearMonth) => {
    await service.createProject(`usage_bad_${_label.replace(/\W/g, "_")}`);
    const res = await api("GET", `/usage/usage_bad_${_label.replace(/\W/g, "_")}/${yearMonth}`);
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toContain("month 1-12");
  });

  it("answers 404 for an unknown project", async () => {
    const res = await api("GET", "/usage/no_such_project/2024/1");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: "project no_such_project not found" });
  });
});
