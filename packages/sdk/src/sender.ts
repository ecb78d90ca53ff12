/**
 * The send queue shared by the browser and Node trackers. Events wait in a bounded queue (the
 * oldest go first when it is full), optionally mirrored to a store so they outlive the page. A
 * batch leaves when `batchSize` events wait or `flushInterval` ms after the first; a network
 * error or 5xx is retried with exponential backoff and jitter, a 4xx is dropped (it would fail
 * again unchanged). Delivery is at least once: the collector drops duplicate event ids.
 */
import { backoffDelay } from "./backoff.js";
import { payloadBody, type TrackerEvent } from "./protocol.js";

/** Where a tracker keeps its queue between page loads (the browser's localStorage). */
export interface QueueStore {
  load(): TrackerEvent[];
  save(events: TrackerEvent[]): void;
}

export interface SenderOptions {
  /** The collector's tp2 URL. */
  endpoint: string;
  /** Request headers, read at every send (cookie consent changes them). */
  headers: () => Record<string, string>;
  batchSize: number;
  flushInterval: number;
  maxQueueSize: number;
  store?: QueueStore;
  /** Browser: send credentials (as GitLab's SDK does) and keep requests alive past unload. */
  browser?: boolean;
  random?: () => number;
}

export interface Sender {
  add(event: TrackerEvent): void;
  /** Sends what waits now; resolves once the queue is empty or a send failed (retry scheduled). */
  flush(): Promise<void>;
  /** Hands what waits to `sendBeacon`, because the page is being hidden or unloaded. */
  beacon(send: (url: string, body: string) => boolean): void;
  /** How many events wait. */
  size(): number;
  /** Whether the last send failed and a retry is scheduled. */
  failing(): boolean;
  /** No more timers or events; what waits stays in the store. */
  stop(): void;
}

type Outcome = "sent" | "dropped" | "retry";

export function createSender(o: SenderOptions): Sender {
  let queue: TrackerEvent[] = o.store?.load() ?? [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let attempt = 0;
  /** Whether the collector answered the last send; until it has, beacons may go nowhere. */
  let answered = false;
  let stopped = false;
  const beaconed = new WeakSet<TrackerEvent>();

  const save = () => o.store?.save(queue);
  const remove = (batch: TrackerEvent[]) => {
    queue = queue.filter((e) => !batch.includes(e));
    save();
  };
  const schedule = (ms: number) => {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
    (timer as { unref?: () => void }).unref?.();
  };

  const post = async (batch: TrackerEvent[]): Promise<Outcome> => {
    const body = payloadBody(batch, Date.now());
    try {
      const response = await fetch(o.endpoint, {
        method: "POST",
        headers: o.headers(),
        body,
        // keepalive lets a request finish after the page is gone; browsers cap it at 64 KB.
        ...(o.browser ? { credentials: "include", keepalive: body.length < 60_000 } : {}),
      });
      if (response.ok) return "sent";
      return response.status < 500 ? "dropped" : "retry";
    } catch {
      return "retry";
    }
  };

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, o.batchSize);
      answered = (await post(batch)) !== "retry";
      if (!answered) {
        schedule(backoffDelay(attempt++, o.random));
        return;
      }
      attempt = 0;
      remove(batch);
    }
  };

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    running ??= drain().finally(() => {
      running = undefined;
    });
    return running;
  };

  if (queue.length > 0) schedule(0);

  return {
    add(event) {
      if (stopped) return;
      queue.push(event);
      if (queue.length > o.maxQueueSize) queue.splice(0, queue.length - o.maxQueueSize);
      save();
      // While retrying, the backoff timer decides when the next send goes.
      if (attempt === 0) queue.length >= o.batchSize ? void flush() : schedule(o.flushInterval);
    },
    flush,
    beacon(send) {
      // Pages fire both visibilitychange and pagehide when they go: one beacon per event.
      const waiting = queue.filter((e) => !beaconed.has(e));
      const sent: TrackerEvent[] = [];
      for (let i = 0; i < waiting.length; i += o.batchSize) {
        const batch = waiting.slice(i, i + o.batchSize);
        if (send(o.endpoint, payloadBody(batch, Date.now()))) sent.push(...batch);
      }
      for (const e of sent) beaconed.add(e);
      // sendBeacon only says it queued the request. Unless the collector just answered, it
      // may be unreachable: keep the events for the next page load, which sends them again
      // (the collector drops duplicate event ids).
      if (answered) remove(sent);
    },
    size: () => queue.length,
    failing: () => attempt > 0,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
