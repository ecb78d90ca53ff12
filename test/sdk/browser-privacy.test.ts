/**
 * The browser SDK and the visitor's privacy, in Chromium against the real service: Do Not
 * Track (the profile's real setting) and Global Privacy Control send nothing; without cookie
 * consent nothing identifying is kept or sent; with consent Snowplow's ids persist.
 */
import { describe, expect, it } from "vitest";
import { countEvents } from "../helpers/service.js";
import { requestEvents } from "./support/browser.js";
import { browserSuite, withBrowser } from "./support/suite.js";

const suite = browserSuite();
const storage = "JSON.stringify({ ...localStorage, ...sessionStorage })";

describe("privacy", () => {
  it("sends nothing when the browser sends Do Not Track", () =>
    withBrowser(
      suite,
      "dnt",
      async ({ browser, appId }) => {
        const page = await browser.context.newPage();
        await page.goto(suite.pages.page("privacy.html", { app: appId, host: suite.service.url }));
        expect(await page.evaluate("navigator.doNotTrack")).toBe("1");
        await page.evaluate("gl.page(); gl.track('more'); gl.flush()");
        await page.mouse.click(10, 10);
        await page.waitForTimeout(1_000);
        expect(browser.collectorRequests).toEqual([]);
        expect(await countEvents(suite.service, "dnt")).toBe(0);
        expect(await page.evaluate(storage)).toBe("{}");
      },
      { doNotTrack: true },
    ));

  it("sends nothing under Global Privacy Control, unless told not to respect it", () =>
    withBrowser(
      suite,
      "gpc",
      async ({ browser, appId, query }) => {
        const page = await browser.context.newPage();
        const params = { app: appId, host: suite.service.url };
        await page.goto(suite.pages.page("privacy.html", params));
        await page.waitForTimeout(1_000);
        expect(browser.collectorRequests).toEqual([]);

        await page.goto(suite.pages.page("privacy.html", { ...params, gpc: "ignore" }));
        const byName = await query.waitFor("eventName", (c) => c.private_event === 1);
        expect(byName).toEqual({ private_event: 1, null: 1 });
      },
      { globalPrivacyControl: true },
    ));

  it("keeps and sends no identifier without cookie consent", () =>
    withBrowser(suite, "anonymous", async ({ browser, appId, query, posts }) => {
      const page = await browser.context.newPage();
      await page.goto(suite.pages.page("shop.html", { app: appId, host: suite.service.url }));
      await query.waitFor("eventType", (c) => c.custom === 2);
      await page.reload();
      await query.waitFor("eventType", (c) => c.custom === 4);

      expect(await page.evaluate(storage)).toBe("{}");
      expect(await browser.context.cookies()).toEqual([]);
      const events = posts().flatMap(requestEvents);
      expect(events.filter((e) => e.duid || e.sid || e.vid || e.uid)).toEqual([]);
      const headers = await Promise.all(posts().map((p) => p.headerValue("sp-anonymous")));
      expect(headers.every((h) => h === "*")).toBe(true);
      const stored = await suite.service.ctx.store.query(
        "SELECT DISTINCT anonymous, ip FROM events WHERE project_id = 'anonymous'",
      );
      expect(stored).toEqual([{ anonymous: true, ip: null }]);
    }));

  it("keeps Snowplow's ids with consent: the same visitor and session across loads", () =>
    withBrowser(suite, "consent", async ({ browser, appId, query, posts }) => {
      const page = await browser.context.newPage();
      const params = { app: appId, host: suite.service.url };
      await page.goto(suite.pages.page("shop.html", { ...params, consent: "1" }));
      await query.waitFor("eventType", (c) => c.custom === 2);
      await page.reload();
      await query.waitFor("eventType", (c) => c.custom === 4);

      const events = posts().flatMap(requestEvents);
      expect(new Set(events.map((e) => e.duid)).size).toBe(1);
      expect(new Set(events.map((e) => e.sid)).size).toBe(1);
      expect(new Set(events.map((e) => e.vid))).toEqual(new Set(["1"]));
      const kept = JSON.parse(await page.evaluate(`localStorage.getItem("gl_sp_id_${appId}")`));
      expect(kept).toMatchObject({ d: events[0]?.duid, s: events[0]?.sid, v: 1 });
      expect(await query.countBy("domainUserid")).toEqual({ [String(events[0]?.duid)]: 8 });

      // A later page without consent forgets them; addCookieConsent() starts anew.
      await page.goto(suite.pages.page("privacy.html", params));
      expect(await page.evaluate(`localStorage.getItem("gl_sp_id_${appId}")`)).toBeNull();
      const before = posts().length;
      await page.evaluate("gl.addCookieConsent(); gl.track('consented')");
      await expect.poll(() => posts().length).toBeGreaterThan(before);
      const consented = posts()
        .flatMap(requestEvents)
        .find((e) => e.ue_pr?.includes('"consented"'));
      expect(consented?.duid).toMatch(/^[0-9a-f-]{36}$/);
      expect(consented?.duid).not.toBe(events[0]?.duid);
    }));
});
