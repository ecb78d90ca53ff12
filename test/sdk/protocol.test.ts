/**
 * Payload building without a browser: the SDK's self-describing events and contexts are
 * byte-for-byte what GitLab's SDK sent (the captured fixture), decode through the collector's
 * own decoder, and the session and backoff rules hold.
 */
import {
  applicationError,
  backoffDelay,
  collectorUrl,
  contextsParam,
  customEvent,
  linkClick,
  PAYLOAD_DATA,
  parseVisit,
  payloadBody,
  SESSION_TIMEOUT_MS,
  touchVisit,
  unstructParam,
  userContext,
} from "@glimpse/sdk/internals";
import { describe, expect, it } from "vitest";
import { decodeSnowplowEvent } from "../../src/ingest/decode/snowplow.js";
import { capture, sdkEvent } from "../ingest/gitlab-sdk-fixture.js";

describe("payload building", () => {
  it("builds custom events exactly as GitLab's SDK does", () => {
    expect(unstructParam(customEvent("add_to_cart", { sku: "sku-1", price: 12 }))).toBe(
      sdkEvent("anonymous_default", 1).ue_pr,
    );
    expect(unstructParam(customEvent("add_to_cart", { sku: "sku-2" }))).toBe(
      sdkEvent("anonymous_default", 2).ue_pr,
    );
  });

  it("builds link clicks exactly as GitLab's SDK does", () => {
    const gitlab = sdkEvent("anonymous_default", 4).ue_pr;
    const ours = linkClick({
      targetUrl: "http://127.0.0.1:35151/#docs",
      elementId: "docs",
      elementClasses: [],
      elementTarget: "",
    });
    expect(unstructParam(ours)).toBe(gitlab);
  });

  it("sends user attributes as GitLab's user_context, in a plain-JSON contexts envelope", () => {
    const gitlab = JSON.parse(sdkEvent("with_cookie_consent", 2).co ?? "");
    const ours = JSON.parse(contextsParam([userContext({ plan: "pro" })]));
    expect(ours.schema).toBe(gitlab.schema);
    expect(ours.data[0]).toEqual(gitlab.data.at(-1));
  });

  it("wraps a batch in payload_data 1-0-4 and stamps the sent time, leaving the events alone", () => {
    const event = { e: "pv", eid: "e1" };
    const body = JSON.parse(payloadBody([event], 1_700_000_000_000));
    expect(body.schema).toBe(PAYLOAD_DATA);
    expect(body.schema).toBe(capture.anonymous_default[1]?.body?.schema);
    expect(body.data).toEqual([{ e: "pv", eid: "e1", stm: "1700000000000" }]);
    expect(event).toEqual({ e: "pv", eid: "e1" });
  });

  it("decodes through the collector into the event the dashboards read", () => {
    const now = Date.now();
    const [params] = JSON.parse(
      payloadBody(
        [
          {
            e: "ue",
            eid: "0b6a4c8e-1f49-4a35-9a1f-3e1c2d4b5a69",
            aid: "app",
            dtm: String(now - 5),
            uid: "user-1",
            ue_pr: unstructParam(customEvent("signup", { plan: "pro" })),
            co: contextsParam([userContext({ company: "ACME" })]),
          },
        ],
        now,
      ),
    ).data;
    const { event, appId } = decodeSnowplowEvent(params, now + 100);
    expect(appId).toBe("app");
    expect(event).toMatchObject({
      event_type: "custom",
      event_name: "signup",
      user_id: "user-1",
      derived_tstamp: now + 95,
    });
    expect(JSON.parse(String(event.custom_props))).toEqual({ plan: "pro" });
    expect(JSON.parse(String(event.user_props))).toEqual({ company: "ACME" });
  });

  it("builds application errors within the schema's limits", () => {
    const error = new Error("x".repeat(5000));
    const { data } = applicationError({ message: error.message, error, lineno: 3 }) as {
      data: Record<string, unknown>;
    };
    expect(data).toMatchObject({
      programmingLanguage: "JAVASCRIPT",
      lineNumber: 3,
      fileName: null,
    });
    expect(String(data.message)).toHaveLength(2048);
    expect(String(data.stackTrace).length).toBeLessThanOrEqual(8192);
  });

  it("takes the host with or without a scheme", () => {
    expect(collectorUrl("glimpse.example.com/")).toBe("https://glimpse.example.com");
    expect(collectorUrl("http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
  });
});

describe("sessions, as Snowplow keeps them", () => {
  let n = 0;
  const id = () => `id-${++n}`;

  it("opens a visit with a visitor id, a session id and index 1", () => {
    expect(touchVisit(null, 1000, id)).toEqual({ d: "id-1", s: "id-2", v: 1, t: 1000 });
  });

  it("keeps the session while events come within 30 minutes, then opens the next", () => {
    const first = touchVisit(null, 0, id);
    const same = touchVisit(first, SESSION_TIMEOUT_MS, id);
    expect(same).toEqual({ ...first, t: SESSION_TIMEOUT_MS });
    const next = touchVisit(same, 2 * SESSION_TIMEOUT_MS + 1, id);
    expect(next.d).toBe(first.d);
    expect(next.s).not.toBe(first.s);
    expect(next.v).toBe(2);
  });

  it("ignores a stored visit that is malformed", () => {
    expect(parseVisit("not json")).toBeNull();
    expect(parseVisit('{"d":"a","s":"b","v":0,"t":1}')).toBeNull();
    expect(parseVisit(null)).toBeNull();
    expect(parseVisit('{"d":"a","s":"b","v":2,"t":1}')).toEqual({ d: "a", s: "b", v: 2, t: 1 });
  });
});

describe("backoff", () => {
  it("doubles from 1 s with up to half the delay as jitter, capped at a minute", () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, () => 1)).toBe(60_000);
  });
});
