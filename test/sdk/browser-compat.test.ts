/**
 * The SDK against GitLab's: the page GitLab's SDK 0.3.4 was captured on, loaded with Glimpse's
 * script from the service's /sdk/glimpse.min.js, must send the same requests (headers, batches,
 * parameters, contexts), and its events must reach the store through the real collector.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../helpers/service.js";
import { capture } from "../ingest/gitlab-sdk-fixture.js";
import { launchBrowser, requestEvents, type TestBrowser } from "./support/browser.js";
import { type PageServer, startPageServer } from "./support/page-server.js";
import { queryApi } from "./support/query-api.js";

let service: TestService;
let pages: PageServer;
beforeAll(async () => {
  service = await startTestService();
  pages = await startPageServer();
});
afterAll(async () => {
  await pages?.close();
  await service?.dispose();
});

type Session = "anonymous_default" | "with_cookie_consent";

/** Each POST's events as "e: sorted parameter names", the shape without the values. */
const shapes = (events: Record<string, string>[]) =>
  events.map((e) => `${e.e}: ${Object.keys(e).sort().join(",")}`);
const contextSchemas = (event: Record<string, string>) =>
  (JSON.parse(event.co ?? "{}") as { data: { schema: string }[] }).data.map((c) => c.schema);
/** A self-describing event, a link's URL cut to its #fragment (the pages' URLs differ). */
function unstruct(text: string | undefined) {
  const ue = JSON.parse(text ?? "{}") as { data: { data: { targetUrl?: string } } };
  const link = ue.data.data;
  if (link.targetUrl) link.targetUrl = `#${link.targetUrl.split("#")[1]}`;
  return ue;
}
const gitlabPosts = (session: Session) =>
  capture[session].filter((r) => r.method === "POST").map((r) => r.body?.data ?? []);

async function runShop(
  session: Session,
): Promise<{ browser: TestBrowser; appId: string; id: string }> {
  const id = session === "anonymous_default" ? "shop_anon" : "shop_consent";
  const { appId } = await service.createProject(id);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const params = {
    app: appId,
    host: service.url,
    ...(session === "with_cookie_consent" ? { consent: "1" } : {}),
  };
  await page.goto(pages.page("shop.html", params));
  await expect
    .poll(() => browser.collectorRequests.filter((r) => r.method() === "POST").length)
    .toBe(1);
  await page.click("#docs");
  await expect
    .poll(() => browser.collectorRequests.filter((r) => r.method() === "POST").length)
    .toBe(2);
  return { browser, appId, id };
}

describe.each<Session>(["anonymous_default", "with_cookie_consent"])(
  "GitLab's page, %s",
  (session) => {
    it("sends the requests GitLab's SDK sends, and the store gets every event", async () => {
      const { browser, appId, id } = await runShop(session);
      try {
        const posts = browser.collectorRequests.filter((r) => r.method() === "POST");
        const ours = posts.map(requestEvents);
        const theirs = gitlabPosts(session);
        // Same batches, same events in the same order, each with the same parameters...
        expect(ours.map(shapes)).toEqual(theirs.map(shapes));
        // ...and the same contexts.
        expect(ours.flat().map(contextSchemas)).toEqual(theirs.flat().map(contextSchemas));
        for (const [i, event] of ours.flat().entries()) {
          const gitlab = theirs.flat()[i] as Record<string, string>;
          expect(event.aid).toBe(appId);
          expect(event.tna).toBe(gitlab.tna);
          expect(event.p).toBe("web");
          if (event.ue_pr) expect(unstruct(event.ue_pr)).toEqual(unstruct(gitlab.ue_pr));
          if (gitlab.vid) expect(event.vid).toBe("1");
          if (gitlab.uid) expect(event.uid).toBe("user-1");
        }

        // Headers as GitLab's: the app id, and SP-Anonymous only without consent.
        const gitlabPost = capture[session].find((r) => r.method === "POST");
        for (const post of posts) {
          const headers = await post.allHeaders();
          expect(headers["x-gitlab-appid"]).toBe(appId);
          expect(headers["content-type"]).toBe(gitlabPost?.headers["content-type"]);
          expect(headers["sp-anonymous"]).toBe(gitlabPost?.headers["sp-anonymous"]);
        }

        const query = await queryApi(service, id);
        const byType = await query.waitFor(
          "eventType",
          (c) => c.link_click === 1 && c.page_view === 2 && c.custom === 2,
        );
        expect(byType).toEqual({ page_view: 2, custom: 2, link_click: 1 });
        expect(await query.countBy("eventName")).toMatchObject({ add_to_cart: 2 });
        // Page views carry the title (GitLab's SDK sends it on page views only).
        expect(await query.countBy("pageTitle")).toMatchObject({
          "Shop home": 1,
          "Second view": 1,
        });

        const stored = await service.ctx.store.query(
          `SELECT event_type, user_id, anonymous, user_props, target_url, element_id, tracker
           FROM events WHERE project_id = $1 ORDER BY derived_tstamp, event_type`,
          [id],
        );
        expect(stored.every((e) => e.tracker === "glimpse-js-0.1.0")).toBe(true);
        expect(stored.every((e) => e.anonymous === (session === "anonymous_default"))).toBe(true);
        const click = stored.find((e) => e.event_type === "link_click");
        expect(click).toMatchObject({
          target_url: `${pages.url}/shop.html?${new URLSearchParams(session === "with_cookie_consent" ? { app: appId, host: service.url, consent: "1" } : { app: appId, host: service.url })}#docs`,
          element_id: "docs",
        });
        const identified = stored.filter((e) => e.user_props !== null);
        expect(identified).toHaveLength(3);
        expect(identified.every((e) => JSON.parse(String(e.user_props)).plan === "pro")).toBe(true);
        expect(stored.filter((e) => e.user_id === "user-1")).toHaveLength(
          session === "with_cookie_consent" ? 3 : 0,
        );
      } finally {
        await browser.close();
      }
    });
  },
);
