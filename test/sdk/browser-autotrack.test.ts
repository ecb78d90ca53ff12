/**
 * What the browser SDK tracks on its own, in Chromium against the real service, read back
 * through the query API: page views on load and on single-page-app navigation, link clicks,
 * page pings, uncaught errors, and batching by count and by interval.
 */
import { describe, expect, it } from "vitest";
import { requestEvents } from "./support/browser.js";
import { browserSuite, withBrowser } from "./support/suite.js";

const suite = browserSuite();

describe("automatic tracking", () => {
  it("sends a page view on load and on every history navigation, none for a #hash", () =>
    withBrowser(suite, "spa", async ({ browser, appId, query }) => {
      const page = await browser.context.newPage();
      const url = suite.pages.page("spa.html", { app: appId, host: suite.service.url });
      await page.goto(url);
      await page.click("#push"); // pushState → /spa/pricing
      await page.click("#replace"); // replaceState → /spa/pricing?tab=yearly
      await page.click("#section"); // a #hash: a link click, not a page
      await page.evaluate("history.back()"); // popstate, the #hash goes: not a page
      await page.waitForFunction("location.hash === ''");
      await page.evaluate("history.back()"); // popstate → /spa.html
      await page.waitForFunction("location.pathname === '/spa.html'");

      const pageView = { eventType: "page_view" };
      const byPath = await query.waitFor("pageUrlpath", (c) => c["/spa.html"] === 2, pageView);
      expect(byPath).toEqual({ "/spa.html": 2, "/spa/pricing": 2 });
      expect(await query.countBy("eventType")).toEqual({ page_view: 4, link_click: 1 });
      expect(await query.countBy("pageUrlquery", pageView)).toMatchObject({ "tab=yearly": 1 });

      // A navigation's page view names the page before it as its referrer.
      const [pricing] = await suite.service.ctx.store.query(
        `SELECT page_referrer FROM events WHERE project_id = 'spa' AND page_urlpath = '/spa/pricing'
           AND event_type = 'page_view' ORDER BY derived_tstamp LIMIT 1`,
      );
      expect(pricing?.page_referrer).toBe(url);
    }));

  it("sends page pings while the visitor is active, none while idle", () =>
    withBrowser(suite, "pings", async ({ browser, appId, query }) => {
      const page = await browser.context.newPage();
      await page.goto(suite.pages.page("activity.html", { app: appId, host: suite.service.url }));
      await page.waitForTimeout(2_500);
      expect(await query.waitFor("eventType", (c) => c.page_view === 1)).toEqual({ page_view: 1 });

      for (let i = 0; i < 12; i++) {
        await page.mouse.move(20 + i * 10, 40);
        await page.mouse.wheel(0, 100);
        await page.waitForTimeout(200);
      }
      const byType = await query.waitFor("eventType", (c) => (c.page_ping ?? 0) >= 2);
      expect(byType.page_ping).toBeGreaterThanOrEqual(2);
      const [ping] = await suite.service.ctx.store.query(
        "SELECT page_url, page_title FROM events WHERE project_id = 'pings' AND event_type = 'page_ping' LIMIT 1",
      );
      expect(ping).toMatchObject({ page_title: "Activity" });
    }));

  it("sends uncaught errors and trackError() as application_error events", () =>
    withBrowser(suite, "errors", async ({ browser, appId, query }) => {
      const page = await browser.context.newPage();
      await page.goto(suite.pages.page("activity.html", { app: appId, host: suite.service.url }));
      await page.evaluate("setTimeout(() => { throw new Error('boom') })");
      await page.evaluate("gl.trackError({ message: 'handled', filename: 'app.js', lineno: 7 })");

      const byName = await query.waitFor("eventName", (c) => c.application_error === 2);
      expect(byName).toMatchObject({ application_error: 2 });
      const rows = await suite.service.ctx.store.query(
        "SELECT custom_props FROM events WHERE project_id = 'errors' AND event_name = 'application_error'",
      );
      const errors = rows.map((r) => JSON.parse(String(r.custom_props)));
      expect(errors.map((e) => e.message).sort()).toEqual(["Uncaught Error: boom", "handled"]);
      expect(errors.find((e) => e.message === "handled")).toMatchObject({
        programmingLanguage: "JAVASCRIPT",
        fileName: "app.js",
        lineNumber: 7,
      });
      expect(errors.find((e) => e.message !== "handled")?.stackTrace).toContain("Error: boom");
    }));

  it("batches by count, then sends what is left after the interval", () =>
    withBrowser(suite, "batching", async ({ browser, appId, query, posts }) => {
      const page = await browser.context.newPage();
      await page.goto(suite.pages.page("batching.html", { app: appId, host: suite.service.url }));
      const byName = await query.waitFor("eventName", (c) => c.bulk === 12);
      expect(byName.bulk).toBe(12);
      await expect.poll(() => posts().flatMap(requestEvents).length).toBe(13); // and the page view
      const sizes = posts().map((p) => requestEvents(p).length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
      expect(sizes.length).toBeGreaterThanOrEqual(3);

      // One event alone waits for the interval (300 ms), then goes by itself.
      const before = posts().length;
      const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/tp2"));
      const start = Date.now();
      await page.evaluate("gl.track('late')");
      const request = await sent;
      const waited = Date.now() - start;
      expect(requestEvents(request)).toHaveLength(1);
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(3_000);
      expect(posts()).toHaveLength(before + 1);
      expect(await query.waitFor("eventName", (c) => c.late === 1)).toMatchObject({ late: 1 });
    }));
});
