/**
 * Funnels answer through the query API: a funnel file committed to a project's repository
 * becomes a cube of that project's model, queried over HTTP with the project's token, and a
 * later commit changes it without a restart. Other projects do not see it.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { startTestService, type TestService } from "../helpers/service.js";
import { createRepo, type TestRepo } from "./git-fixture.js";

const FUNNEL = `name: checkout
seconds_to_convert: 3600
steps:
  - name: cart
    target: /cart
    action: pageview
  - name: pay
    target: /pay
    action: pageview
`;

let service: TestService;
let repo: TestRepo;
const day = Date.UTC(2026, 0, 15, 10);

/** A page view of `user` at `minutes` past 10:00. */
function view(projectId: string, user: string, path: string, minutes: number) {
  const event = emptyEvent(projectId, crypto.randomUUID(), day + minutes * 60_000);
  event.event_type = "page_view";
  event.domain_userid = user;
  event.page_urlpath = path;
  event.session_id = `${user}-s`;
  return event;
}

beforeAll(async () => {
  repo = createRepo({ ".gitlab/analytics/funnels/checkout.yaml": FUNNEL });
  repo.commit();
  service = await startTestService();
  await service.createProject("shop", { repository: repo.dir });
  await service.createProject("other");
  await service.ctx.store.insertEvents([
    view("shop", "u1", "/cart", 0),
    view("shop", "u1", "/pay", 5),
    view("shop", "u2", "/cart", 0),
    view("shop", "u2", "/pay", 120), // too late: over seconds_to_convert
    view("shop", "u3", "/cart", 30),
    view("shop", "u4", "/pay", 0), // never reached the first step
  ]);
});

afterAll(async () => {
  await service.dispose();
  repo.cleanup();
});

async function token(projectId: string): Promise<string> {
  const response = await fetch(`${service.url}/api/v1/projects/${projectId}/query-token`, {
    method: "POST",
    headers: service.admin,
    body: JSON.stringify({ expiresIn: 600 }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function load(projectId: string, query: unknown) {
  const response = await fetch(`${service.url}/cubejs-api/v1/load`, {
    method: "POST",
    headers: { authorization: await token(projectId), "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, string>[]; error?: string },
  };
}

const stepsQuery = {
  measures: ["checkout.count"],
  dimensions: ["checkout.stepNumber", "checkout.step"],
  order: { "checkout.stepNumber": "asc" },
};

it("counts the users who reached each step within the window", async () => {
  const { status, body } = await load("shop", stepsQuery);
  expect(status).toBe(200);
  expect(body.data).toEqual([
    { "checkout.stepNumber": "1", "checkout.step": "cart", "checkout.count": "3" },
    { "checkout.stepNumber": "2", "checkout.step": "pay", "checkout.count": "1" },
  ]);
});

it("is listed in the project's /meta and unknown to other projects", async () => {
  const meta = await fetch(`${service.url}/cubejs-api/v1/meta`, {
    headers: { authorization: await token("shop") },
  });
  const { cubes } = (await meta.json()) as { cubes: Array<{ name: string }> };
  expect(cubes.map((c) => c.name)).toContain("checkout");

  const other = await load("other", stepsQuery);
  expect(other.status).toBe(400);
  expect(other.body.error).toMatch(/checkout\.count/);
});

it("follows a new commit without a restart", async () => {
  repo.write({ ".gitlab/analytics/funnels/checkout.yaml": FUNNEL.replace("3600", "7800") });
  repo.commit("a longer window");
  const { body } = await load("shop", stepsQuery);
  expect(body.data).toEqual([
    { "checkout.stepNumber": "1", "checkout.step": "cart", "checkout.count": "3" },
    { "checkout.stepNumber": "2", "checkout.step": "pay", "checkout.count": "2" },
  ]);
});
