/**
 * ClickHouse goes away under load and comes back: the collector keeps acknowledging into its
 * write-ahead log, queries answer 503 saying the store is unreachable, the batch writer retries
 * with backoff, and once the real server is restarted every acknowledged event is stored
 * exactly once — counted by ClickHouse itself, with and without FINAL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServers } from "../../src/devservers/available.js";
import { type ClickHouseServer, startClickHouse } from "../../src/devservers/clickhouse.js";
import { startTestService, type TestService } from "../helpers/service.js";
import { batch, load, send } from "./support/snowplow.js";

const skip = missingServers();
const API_SECRET = "outage-test-api-secret-0123456789abcdef";

describe.skipIf(skip !== null)(`ClickHouse outage${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let clickhouse: ClickHouseServer;
  let service: TestService;
  beforeAll(async () => {
    clickhouse = await startClickHouse();
    service = await startTestService(
      {
        GLIMPSE_STORE: "clickhouse",
        CLICKHOUSE_URL: clickhouse.url,
        CLICKHOUSE_DATABASE_PREFIX: "outage_",
        GLIMPSE_API_SECRET: API_SECRET,
        GLIMPSE_LOG_LEVEL: "silent",
      },
      { flushIntervalMs: 100, flushMaxEvents: 500 },
    );
  });
  afterAll(async () => {
    await clickhouse?.start().catch(() => {});
    await service?.dispose();
    await clickhouse?.dispose();
  });

  const stored = async (final: boolean) =>
    Number(
      (
        await clickhouse.sql(`SELECT count() FROM outage_shop.events${final ? " FINAL" : ""}`)
      ).trim(),
    );

  it("acknowledges into the log while ClickHouse is down, answers 503, then stores each event once", async () => {
    const { appId } = await service.createProject("shop");
    const acknowledged = new Set<string>();
    let sending = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (sending) {
        const events = batch(appId, 40);
        if (await send(service.url, events)) for (const e of events) acknowledged.add(e.eid);
        // Some clients re-send a batch they already saw acknowledged.
        if (Math.random() < 0.2) await send(service.url, events);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    // Every event: the test client's user agent reads as a bot.
    const count = { measures: ["TrackedEvents.count"], segments: ["TrackedEvents.includingBots"] };

    await new Promise((r) => setTimeout(r, 800));
    expect((await load(service.url, "shop", API_SECRET, count)).status).toBe(200);
    await clickhouse.stop();
    const duringOutage = acknowledged.size;
    await new Promise((r) => setTimeout(r, 2500));
    // The collector went on acknowledging, into the log.
    expect(acknowledged.size).toBeGreaterThan(duringOutage + 200);
    const refused = await load(service.url, "shop", API_SECRET, count);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(
      /^Store unavailable: ClickHouse at http:\/\/127\.0\.0\.1:\d+ is unreachable/,
    );

    await clickhouse.start();
    await new Promise((r) => setTimeout(r, 800));
    sending = false;
    await Promise.all(clients);

    // The writer's backoff brings it back without help; wait for it to catch up.
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && (await stored(true).catch(() => -1)) < acknowledged.size)
      await new Promise((r) => setTimeout(r, 250));
    await service.writer.drain();
    expect(await stored(true)).toBe(acknowledged.size);
    expect(await stored(false)).toBe(acknowledged.size);
    const ids = await clickhouse.sql("SELECT event_id FROM outage_shop.events");
    const missing = [...acknowledged].filter((id) => !ids.includes(id));
    expect(missing).toEqual([]);
    const answered = await load(service.url, "shop", API_SECRET, count);
    expect(answered.status).toBe(200);
    expect(Number(answered.body.data?.[0]?.["TrackedEvents.count"])).toBe(acknowledged.size);
  }, 90_000);
});
