/**
 * The send queue against a real local HTTP server (no mocked fetch): batching by count and by
 * interval, backoff on 503, no retry of 400, the queue's bound, and replay from a store.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSender, type QueueStore, type TrackerEvent } from "@glimpse/sdk/internals";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

interface Received {
  at: number;
  events: TrackerEvent[];
  headers: Record<string, unknown>;
}

let server: Server;
let endpoint: string;
let received: Received[];
/** Status codes to answer in order; 200 once they run out. */
let answers: number[];

beforeEach(async () => {
  received = [];
  answers = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ at: Date.now(), events: JSON.parse(body).data, headers: req.headers });
      res.writeHead(answers.shift() ?? 200).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/com.snowplowanalytics.snowplow/tp2`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const event = (i: number): TrackerEvent => ({ e: "ue", eid: `e${i}` });
const options = (over: Partial<Parameters<typeof createSender>[0]> = {}) => ({
  endpoint,
  headers: () => ({ "content-type": "application/json", "x-gitlab-appid": "app" }),
  batchSize: 3,
  flushInterval: 10_000,
  maxQueueSize: 100,
  random: () => 0,
  ...over,
});
const eids = () => received.flatMap((r) => r.events.map((e) => e.eid));

describe("send queue", () => {
  it("sends a batch as soon as it is full, and what came meanwhile right after", async () => {
    const sender = createSender(options());
    sender.add(event(0));
    sender.add(event(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(0); // two of three: waits for the interval
    for (let i = 2; i < 7; i++) sender.add(event(i));
    await expect.poll(() => sender.size()).toBe(0);
    expect(received.map((r) => r.events.length)).toEqual([3, 3, 1]);
    expect(eids()).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6"]);
    expect(received[0]?.headers["x-gitlab-appid"]).toBe("app");
    expect(received.every((r) => r.events.every((e) => e.stm !== undefined))).toBe(true);
    sender.stop();
  });

  it("sends a partial batch after the interval", async () => {
    const sender = createSender(options({ flushInterval: 150 }));
    const start = Date.now();
    sender.add(event(1));
    await expect.poll(() => received.length).toBe(1);
    expect((received[0]?.at ?? 0) - start).toBeGreaterThanOrEqual(140);
    sender.stop();
  });

  it("retries a 503 after 500 ms, then 1 s, and delivers", async () => {
    answers = [503, 503];
    const sender = createSender(options());
    sender.add(event(1));
    await sender.flush();
    expect(sender.failing()).toBe(true);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(3);
    const [a, b, c] = received.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(450);
    expect(c - b).toBeGreaterThanOrEqual(950);
    await expect.poll(() => sender.size()).toBe(0);
    expect(sender.failing()).toBe(false);
    sender.stop();
  });

  it("drops a batch the collector answers with a 4xx, without retrying it", async () => {
    answers = [400];
    const sender = createSender(options());
    sender.add(event(1));
    await sender.flush();
    expect(sender.size()).toBe(0);
    expect(sender.failing()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(received).toHaveLength(1);
    sender.stop();
  });

  it("keeps at most maxQueueSize events while the collector is unreachable, the newest", async () => {
    const saved: TrackerEvent[][] = [];
    const store: QueueStore = { load: () => [], save: (events) => saved.push([...events]) };
    const sender = createSender(
      options({ endpoint: "http://127.0.0.1:9/tp2", maxQueueSize: 4, batchSize: 100, store }),
    );
    for (let i = 0; i < 6; i++) sender.add(event(i));
    await sender.flush();
    expect(sender.failing()).toBe(true);
    expect(saved.at(-1)?.map((e) => e.eid)).toEqual(["e2", "e3", "e4", "e5"]);
    sender.stop();
  });

  it("sends what a store kept as soon as it starts, and empties the store", async () => {
    let kept: TrackerEvent[] = [event(1), event(2)];
    const store: QueueStore = { load: () => kept, save: (events) => (kept = events) };
    const sender = createSender(options({ store }));
    await expect.poll(() => eids()).toEqual(["e1", "e2"]);
    await expect.poll(() => kept).toEqual([]);
    sender.stop();
  });

  it("hands waiting events to a beacon once each, and keeps them until the collector answers", async () => {
    const beacons: string[] = [];
    const beacon = (url: string, body: string) => beacons.push(`${url} ${body}`) > 0;
    const sender = createSender(options({ batchSize: 2 }));
    sender.add(event(1));
    sender.beacon(beacon);
    sender.beacon(beacon); // pagehide after visibilitychange: nothing new
    expect(beacons).toHaveLength(1);
    expect(beacons[0]).toContain(endpoint);
    expect(sender.size()).toBe(1); // no answer from the collector yet: kept
    await sender.flush();
    sender.add(event(2));
    sender.beacon(beacon);
    expect(sender.size()).toBe(0); // the collector answered the last send: handed over
    sender.stop();
  });
});
