/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against a real
 * service with generated events and a project repository: sign-in, dashboards, panels agreeing
 * with the query API, filters in queries and the URL, a broken dashboard, onboarding turning to
 * "receiving events", settings, usage and the data explorer. Screenshots go to SCREENSHOTS.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEvents } from "../../src/generate/generator.js";
import { createRepo, type TestRepo, V2 } from "../dashboards/git-fixture.js";
import { startTestService, type TestService } from "../helpers/service.js";
import { launchChromium, panelsSettled, SCREENSHOTS, screenshot, statBecomes } from "./browser.js";

const SALES = `version: "2"
title: Sales
description: Page views and event types
filters:
  excludeAnonymousUsers:
    enabled: true
  dateRange:
    enabled: true
    options: [7d, 30d, 90d]
    defaultOption: 7d
panels:
  - title: Page views
    visualization: page_views_area
    gridAttributes: { xPos: 0, yPos: 0, width: 8, height: 4 }
  - title: Event types
    visualization: event_types
    gridAttributes: { xPos: 8, yPos: 0, width: 4, height: 4 }
  - title: Top pages
    visualization: top_pages
    gridAttributes: { xPos: 0, yPos: 4, width: 12, height: 4 }
`;
const PAGE_VIEWS_AREA = `version: 1
type: AreaChart
data:
  type: cube_analytics
  query:
    measures: [TrackedEvents.pageViewsCount]
    timeDimensions:
      - dimension: TrackedEvents.derivedTstamp
        granularity: day
    limit: 100
options:
  xAxis: { name: Time, type: time }
  yAxis: { name: Counts, type: value }
`;
const EVENT_TYPES = `version: 1
type: BarChart
data:
  type: cube_analytics
  query:
    measures: [TrackedEvents.count]
    dimensions: [TrackedEvents.eventType]
    limit: 10
`;
const BROKEN = `version: "2"
title: Broken
panels:
  - title: Nothing here
    visualization: no_such_visualization
    gridAttributes: { xPos: 0, yPos: 0, width: 6, height: 2 }
`;

let service: TestService;
let repo: TestRepo;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
const loads: Array<Record<string, unknown>> = [];

/** Runs a query through the query API with the admin-minted token, as a Cube client would. */
async function cube(query: Record<string, unknown>): Promise<Array<Record<string, string>>> {
  const response = await fetch(`${service.url}/cubejs-api/v1/load`, {
    method: "POST",
    headers: { authorization: token, "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Array<Record<string, string>>; error?: string };
  if (!body.data) throw new Error(`query failed: ${body.error}`);
  return body.data;
}

const statValue = (title: string) =>
  page
    .locator(`[data-testid=panel][aria-label="${title}"] [data-testid=stat-value]`)
    .getAttribute("data-value");

async function rangeShown(): Promise<[string, string]> {
  const text = (await page.getByTestId("range-text").textContent()) ?? "";
  const [, from, to] = /(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})/.exec(text) ?? [];
  return [from as string, to as string];
}

beforeAll(async () => {
  repo = createRepo({
    [`${V2}/sales/sales.yaml`]: SALES,
    [`${V2}/visualizations/page_views_area.yaml`]: PAGE_VIEWS_AREA,
    [`${V2}/visualizations/event_types.yaml`]: EVENT_TYPES,
    [`${V2}/broken/broken.yaml`]: BROKEN,
  });
  repo.commit();
  service = await startTestService();
  await service.createProject("shop", { name: "Shop", repository: repo.dir });
  await service.createProject("fresh", { name: "Fresh start" });
  for (const chunk of generateEvents({ projectId: "shop", events: 20_000, days: 45 }, 10_000)) {
    await service.ctx.store.insertEvents(chunk);
  }
  const minted = await fetch(`${service.url}/api/v1/projects/shop/query-token`, {
    method: "POST",
    headers: service.admin,
    body: JSON.stringify({ expiresIn: 600 }),
  });
  token = ((await minted.json()) as { token: string }).token;

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  page.on("request", (request) => {
    if (request.url().endsWith("/cubejs-api/v1/load") && request.method() === "POST") {
      loads.push(JSON.parse(request.postData() ?? "{}").query);
    }
  });
  console.log(`web UI screenshots: ${SCREENSHOTS}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await service?.dispose();
  repo?.cleanup();
});

describe("the web UI in Chromium", () => {
  it("asks for a sign-in before anything else, then goes where it was sent", async () => {
    const dataAnswers: number[] = [];
    page.on("response", (response) => {
      if (/\/api\/v1\/(projects|web\/(projects|settings|usage))/.test(response.url())) {
        dataAnswers.push(response.status());
      }
    });
    await page.goto(`${service.url}/projects/shop/dashboards`);
    await page.waitForURL(/\/sign-in\?next=/);
    expect(await page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    expect(dataAnswers.every((status) => status === 401)).toBe(true);
    await screenshot(page, "01-sign-in");

    await page.fill("#token", "wrong-token-123");
    await page.click("button[type=submit]");
    await page.getByText("That is not the admin token.").waitFor();

    await page.fill("#token", service.ctx.secrets.adminToken);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/projects\/shop\/dashboards$/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "glimpse_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Strict");
  });

  it("lists projects with this month's events", async () => {
    await page.goto(`${service.url}/projects`);
    const row = page.locator("tbody tr", { hasText: "Shop" });
    await row.waitFor();
    const counts = (await (
      await fetch(`${service.url}/api/v1/web/projects/shop/stats`, { headers: service.admin })
    ).json()) as { eventsThisMonth: number };
    const shown = await row.getByTestId("events-this-month").getAttribute("title");
    expect(shown).toBe(counts.eventsThisMonth.toLocaleString("en"));
    expect(await page.locator("tbody tr", { hasText: "Fresh start" }).textContent()).toContain(
      "Waiting for events",
    );
    await screenshot(page, "02-projects");
  });

  it("lists built-in and repository dashboards; a broken one shows file:line, the others open", async () => {
    await page.goto(`${service.url}/projects/shop/dashboards`);
    const list = page.getByTestId("dashboard-list");
    await list.waitFor();
    for (const id of ["audience", "behavior"]) {
      expect(await list.locator(`[data-dashboard=${id}]`).textContent()).toContain("By Glimpse");
    }
    const broken = list.locator("[data-dashboard=broken]");
    expect(await broken.textContent()).toContain("Has errors");
    expect(await broken.getByTestId("diagnostics").textContent()).toMatch(
      /broken\/broken\.yaml:\d+/,
    );
    expect(await broken.locator("a").count()).toBe(0);
    await screenshot(page, "03-dashboards");

    await page.goto(`${service.url}/projects/shop/dashboards/broken`);
    const errors = page.getByTestId("diagnostics");
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/broken\/broken\.yaml:\d+/);
    expect(await page.getByTestId("panel").count()).toBe(0);
    await screenshot(page, "03b-broken-dashboard");

    await page.goto(`${service.url}/projects/shop/dashboards`);
    await page.getByRole("link", { name: "Sales" }).click();
    await page.waitForURL(/dashboards\/sales$/);
    await panelsSettled(page, 3);
  });

  it("draws every panel of the audience dashboard, with figures that agree with the query API", async () => {
    loads.length = 0;
    await page.goto(`${service.url}/projects/shop/dashboards/audience`);
    await panelsSettled(page, 9);
    const states = await page
      .getByTestId("panel")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    expect(states).toEqual(Array(9).fill("ready"));
    expect(await page.locator("[data-testid=panel] canvas").count()).toBe(2);
    expect(await page.getByTestId("data-table").count()).toBe(2);
    expect(await page.getByTestId("stat-value").count()).toBe(5);

    const [from, to] = await rangeShown();
    const [sessions] = await cube({
      measures: ["Sessions.count"],
      timeDimensions: [{ dimension: "Sessions.startAt", dateRange: [from, to] }],
    });
    expect(Number(await statValue("Total sessions"))).toBe(Number(sessions?.["Sessions.count"]));
    const [users] = await cube({
      measures: ["TrackedEvents.uniqueUsersCount"],
      timeDimensions: [{ dimension: "TrackedEvents.derivedTstamp", dateRange: [from, to] }],
    });
    const uniqueUsers = Number(users?.["TrackedEvents.uniqueUsersCount"]);
    expect(Number(await statValue("Total Unique Users"))).toBe(uniqueUsers);
    expect(
      await page
        .locator('[aria-label="Total Unique Users"] [data-testid=stat-value]')
        .textContent(),
    ).toBe(uniqueUsers.toLocaleString("en"));
    // Every panel's query carried the dashboard's date range.
    expect(loads.length).toBeGreaterThanOrEqual(9);
    for (const query of loads) {
      const [td] = query.timeDimensions as Array<{ dateRange: string[] }>;
      expect(td?.dateRange).toEqual([from, to]);
    }
    await screenshot(page, "04-audience");
  });

  it("sorts a table by a column", async () => {
    const table = page.getByTestId("data-table").first();
    const firstCount = () => table.locator("tbody tr").first().locator("td").last().textContent();
    const top = await firstCount();
    await table.getByRole("button", { name: /Unique users/i }).click();
    await table.getByRole("button", { name: /Unique users/i }).click();
    const ascending = await firstCount();
    expect(Number(ascending?.replaceAll(",", ""))).toBeLessThanOrEqual(
      Number(top?.replaceAll(",", "")),
    );
    expect(await table.locator("th[aria-sort=ascending]").count()).toBe(1);
  });

  it("applies the filters to every panel's query and keeps them in the URL", async () => {
    const before = Number(await statValue("Total sessions"));
    loads.length = 0;
    await page.getByTestId("date-range").selectOption("7d");
    await page.waitForURL(/range=7d/);
    await panelsSettled(page, 9);
    await statBecomes(page, "Total sessions", "other", before);
    const [from, to] = await rangeShown();
    expect(Date.parse(to) - Date.parse(from)).toBe(7 * 86_400_000);
    const [sessions] = await cube({
      measures: ["Sessions.count"],
      timeDimensions: [{ dimension: "Sessions.startAt", dateRange: [from, to] }],
    });
    expect(Number(await statValue("Total sessions"))).toBe(Number(sessions?.["Sessions.count"]));
    expect(Number(await statValue("Total sessions"))).toBeLessThan(before);
    expect(loads.filter((q) => JSON.stringify(q).includes(from)).length).toBeGreaterThanOrEqual(9);

    const allUsers = Number(await statValue("Total Unique Users"));
    loads.length = 0;
    await page.getByTestId("exclude-anonymous").check();
    await page.waitForURL(/anon=exclude/);
    await panelsSettled(page, 9);
    await statBecomes(page, "Total Unique Users", "lower", allUsers);
    expect(
      loads.every((q) =>
        (q.filters as Array<{ member: string; operator: string }>).some(
          (f) => f.member.endsWith(".userId") && f.operator === "set",
        ),
      ),
    ).toBe(true);
    await screenshot(page, "05-audience-filtered");

    // The URL alone brings the same view back.
    const url = page.url();
    const other = await context.newPage();
    await other.goto(url);
    await panelsSettled(other, 9);
    expect(await other.getByTestId("date-range").inputValue()).toBe("7d");
    expect(await other.getByTestId("exclude-anonymous").isChecked()).toBe(true);
    await other.close();
  });

  it("offers only the filters a v2 dashboard's settings allow, with its default", async () => {
    await page.goto(`${service.url}/projects/shop/dashboards/sales`);
    await panelsSettled(page, 3);
    const options = await page
      .getByTestId("date-range")
      .locator("option")
      .evaluateAll((els) => els.map((e) => e.getAttribute("value")));
    expect(options).toEqual(["7d", "30d", "90d"]);
    expect(await page.getByTestId("date-range").inputValue()).toBe("7d");
    const states = await page
      .getByTestId("panel")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    expect(states).toEqual(["ready", "ready", "ready"]);
    await screenshot(page, "06-repository-dashboard");
  });

  it("onboards a project without events and turns to 'receiving events' when one arrives", async () => {
    await page.goto(`${service.url}/projects/fresh/onboarding`);
    const status = page.getByTestId("onboarding-status");
    await status.waitFor();
    expect(await status.getAttribute("data-receiving")).toBe("false");
    const project = (await (
      await fetch(`${service.url}/api/v1/projects/fresh`, { headers: service.admin })
    ).json()) as { appId: string };
    const snippet = (await page.getByTestId("snippet-npm").textContent()) ?? "";
    expect(snippet).toContain(`glClientSDK({ appId: '${project.appId}', host: '${service.url}' })`);
    await page.getByRole("tab", { name: "Script tag" }).click();
    const script = (await page.getByTestId("snippet-script").textContent()) ?? "";
    expect(script).toContain(`${service.url}/sdk/glimpse.min.js`);
    expect(script).toContain(`appId: '${project.appId}'`);
    expect(await page.getByTestId("jitsu-endpoint").textContent()).toBe(
      `${service.url}/api/v1/event?token=${project.appId}`,
    );
    await screenshot(page, "07-onboarding-waiting");

    const sent = await fetch(`${service.url}/api/v1/event?token=${project.appId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        event_type: "pageview",
        url: "https://fresh.example.com/",
        user: { anonymous_id: "first-visitor" },
      }),
    });
    expect(sent.status).toBe(200);
    await page.waitForSelector("[data-testid=onboarding-status][data-receiving=true]", {
      timeout: 15_000,
    });
    expect(await status.textContent()).toContain("Receiving events");
    await page.getByRole("link", { name: "Open dashboards" }).click();
    await page.waitForURL(/\/projects\/fresh\/dashboards$/);
    await screenshot(page, "08-onboarding-receiving");
  });

  it("shows the instance settings with the API key masked", async () => {
    await page.goto(`${service.url}/settings`);
    const key = page.getByTestId("api-key");
    await key.waitFor();
    const secret = service.ctx.secrets.apiSecret;
    const shown = (await key.textContent()) ?? "";
    expect(shown.endsWith(secret.slice(-4))).toBe(true);
    expect(shown).not.toContain(secret.slice(0, 8));
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByTestId("collector-host").textContent()).toBe(service.url);
    expect(await page.getByTestId("query-url").textContent()).toBe(`${service.url}/cubejs-api/v1`);
    await screenshot(page, "09-settings");
  });

  it("charts usage per month", async () => {
    await page.goto(`${service.url}/usage`);
    await page.getByTestId("usage-chart").locator("canvas").waitFor();
    const row = page.getByTestId("usage-table").locator("tbody tr", { hasText: "Shop" });
    expect(await row.locator("td").last().textContent()).toBe((20_000).toLocaleString("en"));
    await screenshot(page, "10-usage");
  });

  it("builds a visualization in the data explorer and gives its YAML", async () => {
    await page.goto(`${service.url}/projects/shop/explorer`);
    await page.getByRole("button", { name: "Sessions", exact: true }).click();
    await page.locator("button[data-type=ColumnChart]").click();
    await page.getByTestId("explorer-dimension").selectOption("Sessions.agentName");
    await panelsSettled(page, 1);
    expect(await page.getByTestId("panel").getAttribute("data-state")).toBe("ready");
    const yaml = (await page.getByTestId("explorer-yaml").textContent()) ?? "";
    expect(yaml).toContain("type: ColumnChart");
    expect(yaml).toContain("type: cube_analytics");
    expect(yaml).toMatch(/measures:\n\s+- Sessions\.count/);
    expect(yaml).toMatch(/dimensions:\n\s+- Sessions\.agentName/);
    expect(yaml).toMatch(/dimension: Sessions\.startAt\n\s+granularity: day/);
    await screenshot(page, "11-explorer");
  });
});
