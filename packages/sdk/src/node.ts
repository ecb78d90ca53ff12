/**
 * `glServerSDK`: the Node.js tracker, for `track` and `identify` from backends. Same events
 * as the browser's (GitLab's custom_event and user_context over tp2), batched in memory;
 * `shutdown()` sends what waits before the process ends, retrying for up to `timeoutMs`.
 *
 * @example
 * const gl = glServerSDK({ appId: "a1b2c3", host: "https://glimpse.example.com" });
 * gl.track("invoice_paid", { amount: 40 }, { userId: "user-1" });
 * process.on("SIGTERM", () => gl.shutdown().then(() => process.exit(0)));
 */
import { randomUUID } from "node:crypto";
import { backoffDelay } from "./backoff.js";
import {
  collectorUrl,
  contextsParam,
  customEvent,
  TP2_PATH,
  type TrackerEvent,
  unstructParam,
  userContext,
} from "./protocol.js";
import { createSender } from "./sender.js";

export const SERVER_TRACKER_VERSION = "glimpse-node-0.1.0";

export interface GlServerSDKOptions {
  appId: string;
  host: string;
  /** The tracker namespace sent as `tna` (default `gitlab`). */
  trackerId?: string;
  /** Send as soon as this many events wait (default 50)... */
  batchSize?: number;
  /** ...or this many ms after the first of them (default 1000). */
  flushInterval?: number;
  /** At most this many unsent events are kept (default 10,000); the oldest go first. */
  maxQueueSize?: number;
}

/** Who and where an event is about; each overrides what `identify` set. */
export interface ServerEventOptions {
  userId?: string;
  userAttributes?: Record<string, unknown>;
  /** The page or endpoint the event happened on. */
  url?: string;
  /** The end user's IP address and user agent, when tracking on their behalf. */
  ip?: string;
  userAgent?: string;
}

export interface GlServerSDK {
  track(
    eventName: string,
    eventAttributes?: Record<string, unknown>,
    options?: ServerEventOptions,
  ): void;
  /** Sets the user of later `track` calls that name none. */
  identify(userId: string, userAttributes?: Record<string, unknown>): void;
  flush(): Promise<void>;
  /** Stops taking events and sends what waits, giving up after `timeoutMs` (default 5000). */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function glServerSDK(o: GlServerSDKOptions): GlServerSDK {
  let defaults: ServerEventOptions = {};
  let closed = false;
  const sender = createSender({
    endpoint: collectorUrl(o.host) + TP2_PATH,
    headers: () => ({
      "content-type": "application/json; charset=UTF-8",
      "x-gitlab-appid": o.appId,
    }),
    batchSize: o.batchSize ?? 50,
    flushInterval: o.flushInterval ?? 1000,
    maxQueueSize: o.maxQueueSize ?? 10_000,
  });
  // The send timer does not keep the process alive; this sends what waits when it would end.
  const beforeExit = () => void sender.flush();
  process.once("beforeExit", beforeExit);

  return {
    track(name, props = {}, options = {}) {
      if (closed) return;
      const who = { ...defaults, ...options };
      const event: TrackerEvent = {
        e: "ue",
        eid: randomUUID(),
        tv: SERVER_TRACKER_VERSION,
        tna: o.trackerId ?? "gitlab",
        aid: o.appId,
        p: "srv",
        dtm: String(Date.now()),
        ue_pr: unstructParam(customEvent(name, props)),
      };
      if (who.userId) event.uid = who.userId;
      if (who.url) event.url = who.url;
      if (who.ip) event.ip = who.ip;
      if (who.userAgent) event.ua = who.userAgent;
      if (who.userAttributes && Object.keys(who.userAttributes).length > 0) {
        event.co = contextsParam([userContext(who.userAttributes)]);
      }
      sender.add(event);
    },
    identify(userId, userAttributes = {}) {
      defaults = { userId, userAttributes };
    },
    flush: () => sender.flush(),
    async shutdown(timeoutMs = 5000) {
      closed = true;
      process.removeListener("beforeExit", beforeExit);
      const deadline = Date.now() + timeoutMs;
      for (let attempt = 0; ; attempt++) {
        await sender.flush();
        const left = deadline - Date.now();
        if (sender.size() === 0 || left <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, backoffDelay(attempt))));
      }
      sender.stop();
    },
  };
}
