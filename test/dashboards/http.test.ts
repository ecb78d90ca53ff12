import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { registerDashboardRoutes } from "../../src/dashboards/http/routes.js";
import { DuckDbProjectRepository } from "../../src/projects/repository.js";
import type { AppContext } from "../../src/server/context.js";
import { type DuckDb, openDuckDb } from "../../src/store/duckdb-database.js";
import type { Store } from "../../src/store/store.js";
import { createRepo, hasReferenceMember, type TestRepo, V2 } from "./git-fixture.js";

const ADMIN = "admin-token-for-dashboard-tests";
const API_SECRET = "api-secret-for-dashboard-tests-0123456789";

const SALES = `version: "2"
title: Sales
description: What sells
panels:
  - title: Visitors
    visualization: visitors
    gridAttributes: { xPos: 0, yPos: 0, width: 6, height: 2 }
    queryOverrides:
      limit: 10
`;
const VISITORS = `version: 1
type: SingleStat
data:
  type: cube_analytics
  query:
    measures: [TrackedEvents.uniqueUsersCount]
    limit: 100
`;

let app: FastifyInstance;
let base: string;
let repo: TestRepo;
let firstCommit: string;
let dataDir: string;
let db: DuckDb;

const token = (claims: Record<string, unknown>, secret = API_SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("3m")
    .sign(new TextEncoder().encode(secret));

// Responses are checked by value in each test; their static type adds nothing here.
// biome-ignore lint/suspicious/noExplicitAny: JSON answers under test
type Json = any;

const get = async (path: string, authorization?: string) => {
  const response = await fetch(
    `${base}${path}`,
    authorization ? { headers: { authorization } } : {},
  );
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Json,
  };
};

beforeAll(async () => {
  repo = createRepo({
    [`${V2}/sales/sales.yaml`]: SALES,
    [`${V2}/visualizations/visitors.yaml`]: VISITORS,
  });
  firstCommit = repo.commit();
  dataDir = mkdtempSync(join(tmpdir(), "glimpse-dash-http-"));
  db = await openDuckDb(dataDir);
  const projects = await DuckDbProjectRepository.open(db);
  await projects.create({ id: "shop", repository: repo.dir });
  await projects.create({ id: "blog" });
  const ctx: AppContext = {
    config: loadConfig({}),
    secrets: { adminToken: ADMIN, apiSecret: API_SECRET, generated: [] },
    // The dashboards API never touches the event store.
    store: { dialect: "duckdb" } as unknown as Store,
    projects,
  };
  app = Fastify();
  await registerDashboardRoutes(app, ctx, { hasMember: hasReferenceMember });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app?.close();
  db?.closeSync();
  repo?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("dashboards API", () => {
  it("lists built-in and project dashboards for the admin", async () => {
    const { status, body } = await get("/api/v1/projects/shop/dashboards", `Bearer ${ADMIN}`);
    expect(status).toBe(200);
    expect(body.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(body.dashboards).toEqual([
      expect.objectContaining({
        id: "audience",
        title: "Audience",
        builtIn: true,
        readOnly: true,
        errors: [],
      }),
      expect.objectContaining({ id: "behavior", builtIn: true, errors: [] }),
      {
        id: "sales",
        title: "Sales",
        description: "What sells",
        builtIn: false,
        readOnly: false,
        file: `${V2}/sales/sales.yaml`,
        errors: [],
      },
    ]);
  });

  it("answers a dashboard with resolved visualizations, final queries and its commit", async () => {
    const auth = await token({ appId: "shop" });
    const { status, body } = await get("/api/v1/projects/shop/dashboards/sales", auth);
    expect(status).toBe(200);
    expect(body.commit).toBe(firstCommit);
    expect(body.panels).toEqual([
      {
        title: "Visitors",
        gridAttributes: { xPos: 0, yPos: 0, width: 6, height: 2 },
        options: {},
        visualization: {
          name: "visitors",
          source: "project",
          file: `${V2}/visualizations/visitors.yaml`,
          version: 1,
          type: "SingleStat",
          data: {
            type: "cube_analytics",
            query: { measures: ["TrackedEvents.uniqueUsersCount"], limit: 100 },
          },
        },
        query: { measures: ["TrackedEvents.uniqueUsersCount"], limit: 10 },
      },
    ]);
    // A token as GitLab mints it names the project `gitlab_project_<id>`.
    const gitlab = await get(
      "/api/v1/projects/shop/dashboards",
      await token({ appId: "gitlab_project_shop" }),
    );
    expect(gitlab.status).toBe(200);
    const builtin = await get(
      "/api/v1/projects/shop/dashboards/behavior",
      `Bearer ${await token({ projectId: "shop" })}`,
    );
    expect(builtin.status).toBe(200);
    expect(builtin.body).toMatchObject({ id: "behavior", builtIn: true, commit: null });
    expect(builtin.body.panels).toHaveLength(5);
  });

  it("shows a new commit on the next request, without restart", async () => {
    const before = await get("/api/v1/projects/shop/dashboards/sales", `Bearer ${ADMIN}`);
    repo.write({
      [`${V2}/sales/sales.yaml`]: SALES.replace("title: Sales", "title: Revenue"),
      [`${V2}/broken/broken.yaml`]: 'version: "2"\ntitle: Broken\npanels:\n  - title: x\n',
    });
    const commit = repo.commit("rename sales, add a broken dashboard");
    const after = await get("/api/v1/projects/shop/dashboards/sales", `Bearer ${ADMIN}`);
    expect(before.body.title).toBe("Sales");
    expect(after.body).toMatchObject({ title: "Revenue", commit });

    // The broken file is listed with its errors; the others still work.
    const list = await get("/api/v1/projects/shop/dashboards", `Bearer ${ADMIN}`);
    const broken = list.body.dashboards.find((d: { id: string }) => d.id === "broken");
    expect(broken.errors.map((e: { text: string }) => e.text)).toEqual([
      `${V2}/broken/broken.yaml:4:5 panels[0]: must have property "gridAttributes"`,
      `${V2}/broken/broken.yaml:4:5 panels[0]: must have property "visualization"`,
    ]);
    const detail = await get("/api/v1/projects/shop/dashboards/broken", `Bearer ${ADMIN}`);
    expect(detail.status).toBe(422);
    expect(detail.body.errors).toHaveLength(2);
  });

  it("previews the working tree with ?ref=WORKTREE", async () => {
    repo.write({ [`${V2}/draft/draft.yaml`]: 'version: "2"\ntitle: Draft\npanels: []\n' });
    const committed = await get("/api/v1/projects/shop/dashboards/draft", `Bearer ${ADMIN}`);
    expect(committed.status).toBe(404);
    const preview = await get(
      "/api/v1/projects/shop/dashboards/draft?ref=WORKTREE",
      `Bearer ${ADMIN}`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ title: "Draft", commit: "WORKTREE" });
    const bad = await get("/api/v1/projects/shop/dashboards?ref=--output=x", `Bearer ${ADMIN}`);
    expect(bad.status).toBe(400);
  });

  it("refuses requests without a valid credential for the project", async () => {
    expect((await get("/api/v1/projects/shop/dashboards")).status).toBe(401);
    expect((await get("/api/v1/projects/shop/dashboards", "Bearer wrong")).status).toBe(401);
    const forged = await token({ appId: "shop" }, "another-secret-another-secret-another");
    expect((await get("/api/v1/projects/shop/dashboards", forged)).status).toBe(401);
    const otherProject = await token({ appId: "blog" });
    expect((await get("/api/v1/projects/shop/dashboards", otherProject)).status).toBe(403);
    expect((await get("/api/v1/projects/nope/dashboards", `Bearer ${ADMIN}`)).status).toBe(404);
  });

  it("lists only the built-ins for a project without a repository", async () => {
    const { body } = await get("/api/v1/projects/blog/dashboards", await token({ appId: "blog" }));
    expect(body.dashboards.map((d: { id: string }) => d.id)).toEqual(["audience", "behavior"]);
    expect(body.commit).toBeNull();
  });

  it("lists visualizations and funnels", async () => {
    const viz = await get("/api/v1/projects/shop/visualizations", `Bearer ${ADMIN}`);
    expect(viz.body.visualizations).toHaveLength(15);
    expect(viz.body.visualizations.at(-1)).toMatchObject({
      id: "visitors",
      builtIn: false,
      type: "SingleStat",
    });
    const funnels = await get("/api/v1/projects/shop/funnels", `Bearer ${ADMIN}`);
    expect(funnels.body.funnels).toEqual([]);
  });

  it("publishes the JSON Schemas without credentials", async () => {
    const dashboard = await get("/schemas/dashboard-v2.json");
    expect(dashboard.status).toBe(200);
    expect(dashboard.type).toMatch(/^application\/schema\+json/);
    expect(dashboard.body).toMatchObject({
      $id: "dashboard-v2.json",
      required: ["version", "title", "panels"],
    });
    for (const name of ["dashboard", "dashboard-v1", "visualization", "funnel", "cube-query"]) {
      expect((await get(`/schemas/${name}.json`)).status).toBe(200);
    }
    expect((await get("/schemas/..%2Fpackage.json")).status).toBe(404);
    expect((await get("/schemas/nothing.json")).status).toBe(404);
  });
});
