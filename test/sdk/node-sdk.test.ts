/**
 * The Node.js tracker against the real service: track and identify from a backend, batched,
 * delivered by shutdown(), read back through the query API. Server-side events (`p=srv`) are
 * not judged by the backend's own user agent ("node"), so they count as users' events without
 * `includingBots`; an event sent on behalf of a browser user carries that user's agent.
 */
import { glServerSDK } from "@glimpse/sdk/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestService, type TestService } from "../helpers/service.js";
import { queryApi } from "./support/query-api.js";

const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.dispose();
});

it("sends track and identify from a backend, and delivers what waits on shutdown", async () => {
  const { appId } = await service.createProject("backend");
  const gl = glServerSDK({ appId, host: service.url, flushInterval: 60_000 });
  gl.track("server_started");
  gl.identify("user-9", { plan: "team" });
  gl.track("invoice_paid", { amount: 40 });
  gl.track(
    "exported",
    { rows: 3 },
    { userId: "user-7", url: "https://app.example.com/export", userAgent: BROWSER },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const query = await queryApi(service, "backend");
  expect(await query.countBy("eventName")).toEqual({}); // a batch waits for a minute...

  await gl.shutdown(); // ...unless the process ends
  expect(await query.countBy("eventName")).toEqual({
    server_started: 1,
    invoice_paid: 1,
    exported: 1,
  });
  expect(await query.countBy("userId")).toEqual({ null: 1, "user-9": 1, "user-7": 1 });
  const rows = await service.ctx.store.query(
    `SELECT event_name, custom_props, user_props, platform, tracker, page_url
       FROM events WHERE project_id = 'backend' ORDER BY event_name`,
  );
  expect(rows.map((r) => [r.event_name, r.platform, r.tracker])).toEqual([
    ["exported", "srv", "glimpse-node-0.1.0"],
    ["invoice_paid", "srv", "glimpse-node-0.1.0"],
    ["server_started", "srv", "glimpse-node-0.1.0"],
  ]);
  expect(rows[0]).toMatchObject({ page_url: "https://app.example.com/export" });
  // On behalf of a browser user: that user's agent; the backend's own events have none.
  expect(await query.countBy("agentName")).toEqual({ null: 2, Chrome: 1 });
  expect(JSON.parse(String(rows[1]?.custom_props))).toEqual({ amount: 40 });
  expect(JSON.parse(String(rows[1]?.user_props))).toEqual({ plan: "team" });

  gl.track("after_shutdown");
  await gl.flush();
  expect(await query.countBy("eventName")).not.toHaveProperty("after_shutdown");
});

it("sends full batches without waiting", async () => {
  const { appId } = await service.createProject("backend_batch");
  const gl = glServerSDK({ appId, host: service.url, batchSize: 5, flushInterval: 60_000 });
  for (let i = 0; i < 10; i++) gl.track("tick", { i });
  const query = await queryApi(service, "backend_batch");
  expect(await query.waitFor("eventName", (c) => c.tick === 10)).toEqual({ tick: 10 });
  await gl.shutdown();
});

it("gives up on an unreachable collector when shutdown's time is up", async () => {
  const gl = glServerSDK({ appId: "app", host: "http://127.0.0.1:9" });
  gl.track("lost");
  const start = Date.now();
  await gl.shutdown(800);
  expect(Date.now() - start).toBeLessThan(3_000);
});
