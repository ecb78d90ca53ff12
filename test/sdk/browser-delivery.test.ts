/**
 * How the browser SDK gets events to the collector when things go wrong, in Chromium against
 * the real service: the offline queue outliving reloads while the collector is down, sending
 * as soon as the browser is back online, sendBeacon when the page goes away, backoff on 503 and
 * no retry of a 4xx.
 */
import { describe, expect, it } from "vitest";
import { countEvents } from "../helpers/service.js";
import { requestEvents } from "./support/browser.js";
import { startCollectorProxy } from "./support/collector-proxy.js";
import { browserSuite, withBrowser } from "./support/suite.js";

const suite = browserSuite();
const queued = (appId: string) =>
  `JSON.parse(localStorage.getItem("gl_sp_q_${appId}") ?? "[]").length`;

describe("delivery", () => {
  it("keeps events across reloads while the collector is down and sends them once it is back", () =>
    withBrowser(suite, "offline", async ({ browser, appId, query }) => {
      const proxy = await startCollectorProxy(suite.service.url);
      try {
        await proxy.down();
        const page = await browser.context.newPage();
        await page.goto(suite.pages.page("offline.html", { app: appId, host: proxy.url }));
        await expect.poll(() => page.evaluate(queued(appId))).toBe(2); // page view + event
        await page.reload();
        await expect.poll(() => page.evaluate(queued(appId))).toBe(4);
        expect(proxy.requests).toBe(0);
        expect(await countEvents(suite.service, "offline")).toBe(0);

        await proxy.up(); // same port
        await page.reload(); // the next load sends what the earlier ones kept
        // The queued events and the new load's own may land in different batches: wait for all.
        const byType = await query.waitFor("eventType", (c) => c.custom === 3 && c.page_view === 3);
        expect(byType).toEqual({ page_view: 3, custom: 3 });
        await expect.poll(() => page.evaluate(queued(appId))).toBe(0);
      } finally {
        await proxy.close();
      }
    }));

  it("sends what waited offline as soon as the browser is back online", () =>
    withBrowser(suite, "online", async ({ browser, appId, query }) => {
      const page = await browser.context.newPage();
      await page.goto(suite.pages.page("offline.html", { app: appId, host: suite.service.url }));
      await query.waitFor("eventType", (c) => c.custom === 1);
      await browser.context.setOffline(true);
      await page.evaluate("gl.track('while_offline')");
      await page.waitForTimeout(6_000); // several failed attempts: the next retry is seconds away
      expect(await page.evaluate(queued(appId))).toBe(1);
      await browser.context.setOffline(false);
      const back = Date.now();
      const byName = await query.waitFor("eventName", (c) => c.while_offline === 1);
      expect(byName.while_offline).toBe(1);
      expect(Date.now() - back).toBeLessThan(3_000);
    }));

  it("sends what waits with sendBeacon when the page goes away", () =>
    withBrowser(suite, "beacon", async ({ browser, appId, query }) => {
      // The proxy sees the beacons, which Chromium sends after the page (and Playwright's
      // view of its requests) is gone.
      const proxy = await startCollectorProxy(suite.service.url);
      try {
        const page = await browser.context.newPage();
        await page.goto(suite.pages.page("beacon.html", { app: appId, host: proxy.url }));
        await page.waitForTimeout(300);
        expect(proxy.postTypes).toEqual([]); // the batch would wait a minute
        await page.goto(`${suite.pages.url}/blank.html`);

        const byType = await query.waitFor("eventType", (c) => c.custom === 3 && c.page_view === 1);
        expect(byType).toEqual({ page_view: 1, custom: 3 });
        // sendBeacon cannot set headers: its body goes as text/plain, fetch's as JSON.
        expect(proxy.postTypes).toEqual(["text/plain;charset=UTF-8"]);
      } finally {
        await proxy.close();
      }
    }));

  it("retries a 503 with growing delays, then delivers", () =>
    withBrowser(suite, "retry", async ({ browser, appId, query, posts }) => {
      const proxy = await startCollectorProxy(suite.service.url);
      const times: number[] = [];
      browser.context.on("request", (r) => {
        if (r.method() === "POST" && r.url().endsWith("/tp2")) times.push(Date.now());
      });
      try {
        proxy.failWith503 = true;
        const page = await browser.context.newPage();
        await page.goto(suite.pages.page("offline.html", { app: appId, host: proxy.url }));
        await expect.poll(() => times.length, { timeout: 8_000 }).toBeGreaterThanOrEqual(3);
        const [first, second, third] = times as [number, number, number];
        expect(second - first).toBeGreaterThanOrEqual(400); // backoff from 500 ms...
        expect(third - second).toBeGreaterThanOrEqual(second - first - 50); // ...and growing
        expect(await countEvents(suite.service, "retry")).toBe(0);

        proxy.failWith503 = false;
        const byType = await query.waitFor("eventType", (c) => c.custom === 1 && c.page_view === 1);
        expect(byType).toEqual({ page_view: 1, custom: 1 });
        expect(
          posts()
            .flatMap(requestEvents)
            .every((e) => e.aid === appId),
        ).toBe(true);
      } finally {
        await proxy.close();
      }
    }));

  it("does not retry a 4xx (an unknown app id) and drops the batch", () =>
    withBrowser(suite, "rejected", async ({ browser, posts }) => {
      const page = await browser.context.newPage();
      await page.goto(
        suite.pages.page("offline.html", { app: "no-such-app", host: suite.service.url }),
      );
      await expect.poll(() => posts().length).toBe(1);
      const response = await posts()[0]?.response();
      expect(response?.status()).toBe(403);
      await page.waitForTimeout(2_500); // a retry would have come by now
      expect(posts()).toHaveLength(1);
      expect(await page.evaluate(queued("no-such-app"))).toBe(0);
    }));
});
