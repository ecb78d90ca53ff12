/**
 * The Jitsu decoder, with payloads shaped as Jitsu's classic JS SDK (@jitsu/sdk-js 2.x, the
 * `eventn` tracker) builds them — context fields at the top level next to the custom
 * properties — and as its server-to-server API receives them.
 */
import { describe, expect, it } from "vitest";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { EventRejected, LIMITS } from "../../src/ingest/decode/decoded.js";
import { decodeJitsuEvent } from "../../src/ingest/decode/jitsu.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COLLECTOR = Date.UTC(2024, 2, 5, 14, 7, 13, 0);
const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";

/** What `jitsu.track("pageview")` sends from a German visitor's Chrome, 0.5 s before we see it. */
function pageview(): Record<string, unknown> {
  return {
    api_key: "js.APPID.q8z3w",
    src: "eventn",
    event_type: "pageview",
    event_id: "",
    user: { anonymous_id: "lt2x9kq81c" },
    ids: { gid: "GA1.1.1297380851.1709647592" },
    user_agent: CHROME,
    // The SDK pads the milliseconds to microseconds (reformatDate).
    utc_time: "2024-03-05T14:07:12.500000Z",
    local_tz_offset: -60,
    referer: "https://www.google.com/",
    url: "https://shop.example.com/products/42?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
    page_title: "Trail shoe 42 — Shop",
    doc_path: "/products/42",
    doc_host: "shop.example.com",
    doc_search: "?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
    screen_resolution: "1920x1080",
    vp_size: "1903x969",
    user_language: "de-DE",
    doc_encoding: "UTF-8",
    utm: { source: "newsletter", medium: "email", campaign: "spring" },
    click_id: {},
  };
}

function rejection(body: unknown): string {
  try {
    decodeJitsuEvent(body, COLLECTOR);
  } catch (error) {
    expect(error).toBeInstanceOf(EventRejected);
    return (error as Error).message;
  }
  throw new Error(`expected a rejection of ${JSON.stringify(body)}`);
}

describe("classic JS SDK page view", () => {
  it("decodes to the expected columns", () => {
    const decoded = decodeJitsuEvent(pageview(), COLLECTOR);
    expect(decoded.appId).toBeNull();
    expect(decoded.ip).toBeNull();
    expect(decoded.event.event_id).toMatch(UUID);
    const expected: StoredEvent = {
      ...emptyEvent("", decoded.event.event_id, COLLECTOR),
      event_type: "page_view",
      dvce_created_tstamp: Date.UTC(2024, 2, 5, 14, 7, 12, 500),
      derived_tstamp: Date.UTC(2024, 2, 5, 14, 7, 12, 500),
      domain_userid: "lt2x9kq81c",
      page_url:
        "https://shop.example.com/products/42?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
      page_title: "Trail shoe 42 — Shop",
      page_referrer: "https://www.google.com/",
      useragent: CHROME,
      screen_resolution: "1920x1080",
      viewport_size: "1903x969",
      browser_language: "de-DE",
      doc_charset: "UTF-8",
      platform: "eventn",
      tracker: "jitsu",
    };
    expect(decoded.event).toEqual(expected);
  });

  it("makes a fresh event id for the SDK's empty event_id, a different one each time", () => {
    const a = decodeJitsuEvent(pageview(), COLLECTOR).event.event_id;
    const b = decodeJitsuEvent(pageview(), COLLECTOR).event.event_id;
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it("keeps a valid client event_id (lower-cased) and replaces an invalid one", () => {
    const kept = decodeJitsuEvent(
      { ...pageview(), event_id: "3F2504E0-4F89-41D3-9A0C-0305E82C3301" },
      COLLECTOR,
    );
    expect(kept.event.event_id).toBe("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    const replaced = decodeJitsuEvent({ ...pageview(), event_id: "evt_123" }, COLLECTOR);
    expect(replaced.event.event_id).toMatch(UUID);
  });

  it.each(["pageview", "page_view", "page"])("maps event_type %s to page_view", (type) => {
    expect(decodeJitsuEvent({ ...pageview(), event_type: type }, COLLECTOR).event.event_type).toBe(
      "page_view",
    );
  });

  it("builds the page URL from doc_host, doc_path and doc_search when url is absent", () => {
    const { url: _url, ...body } = pageview();
    expect(decodeJitsuEvent(body, COLLECTOR).event.page_url).toBe(
      "https://shop.example.com/products/42?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
    );
  });

  it("clamps a device clock ahead of ours to the collector time", () => {
    const { event } = decodeJitsuEvent(
      { ...pageview(), utc_time: "2024-03-05T15:07:13.000000Z" },
      COLLECTOR,
    );
    expect(event.dvce_created_tstamp).toBe(Date.UTC(2024, 2, 5, 15, 7, 13));
    expect(event.derived_tstamp).toBe(COLLECTOR);
  });

  it("uses the collector time when utc_time is absent", () => {
    const { utc_time: _t, ...body } = pageview();
    const { event } = decodeJitsuEvent(body, COLLECTOR);
    expect(event.dvce_created_tstamp).toBeNull();
    expect(event.derived_tstamp).toBe(COLLECTOR);
  });

  it("keeps a missing url, title and referrer as null, not as empty strings", () => {
    const { event } = decodeJitsuEvent(
      { event_type: "pageview", user: { anonymous_id: "a1" }, referer: "", page_title: "" },
      COLLECTOR,
    );
    expect(event).toMatchObject({ page_url: null, page_title: null, page_referrer: null });
  });
});

describe("custom events", () => {
  it("keeps custom properties as custom_props and the SDK's context fields out of them", () => {
    const { event } = decodeJitsuEvent(
      {
        ...pageview(),
        event_type: "add_to_cart",
        sku: "sku-1",
        price: 12,
        options: { size: 43, colours: ["red", "black"] },
        gift: false,
        note: null,
      },
      COLLECTOR,
    );
    expect(event.event_type).toBe("custom");
    expect(event.event_name).toBe("add_to_cart");
    expect(JSON.parse(event.custom_props ?? "")).toEqual({
      sku: "sku-1",
      price: 12,
      options: { size: 43, colours: ["red", "black"] },
      gift: false,
      note: null,
    });
  });

  it("leaves custom_props null when there are none", () => {
    expect(decodeJitsuEvent(pageview(), COLLECTOR).event.custom_props).toBeNull();
  });

  it("keeps a property named __proto__ as data", () => {
    const body = JSON.parse('{"event_type":"signup","__proto__":{"plan":"pro"},"step":2}');
    const { event } = decodeJitsuEvent(body, COLLECTOR);
    expect(JSON.parse(event.custom_props ?? "")).toEqual(
      JSON.parse('{"__proto__":{"plan":"pro"},"step":2}'),
    );
  });

  it("decodes a link click's target and element id", () => {
    const { event } = decodeJitsuEvent(
      {
        ...pageview(),
        event_type: "link_click",
        href: "https://docs.example.com/",
        element_id: "docs",
      },
      COLLECTOR,
    );
    expect(event).toMatchObject({
      event_type: "link_click",
      target_url: "https://docs.example.com/",
      element_id: "docs",
    });
  });
});

describe("identify", () => {
  // jitsu.id({id, email}) stores the user properties and sends a `user_identify` event.
  const identified = () => ({
    ...pageview(),
    event_type: "user_identify",
    user: {
      anonymous_id: "lt2x9kq81c",
      id: "user-1",
      email: "ada@example.com",
      plan: "pro",
    },
  });

  it("maps the SDK's user_identify event to identify", () => {
    const { event } = decodeJitsuEvent(identified(), COLLECTOR);
    expect(event.event_type).toBe("identify");
    expect(event.event_name).toBeNull();
  });

  it("maps event_type identify to identify", () => {
    const { event } = decodeJitsuEvent({ ...identified(), event_type: "identify" }, COLLECTOR);
    expect(event.event_type).toBe("identify");
  });

  it("splits the user into anonymous id, user id and user props", () => {
    const { event } = decodeJitsuEvent(identified(), COLLECTOR);
    expect(event.domain_userid).toBe("lt2x9kq81c");
    expect(event.user_id).toBe("user-1");
    expect(JSON.parse(event.user_props ?? "")).toEqual({ email: "ada@example.com", plan: "pro" });
  });

  it("keeps the user on every later event", () => {
    const { event } = decodeJitsuEvent({ ...identified(), event_type: "pageview" }, COLLECTOR);
    expect(event.user_id).toBe("user-1");
    expect(event.user_props).not.toBeNull();
  });
});

describe("server-to-server events", () => {
  it("decodes an s2s event with its own id, time and source ip", () => {
    const decoded = decodeJitsuEvent(
      {
        event_type: "subscription_renewed",
        event_id: "0b5a6f9e-6c3f-4a59-9d1e-2f1c7c3e8a10",
        user: { id: "user-1", email: "ada@example.com" },
        utc_time: "2024-03-05T14:00:00Z",
        source_ip: "203.0.113.7",
        src: "api",
        plan: "pro",
        amount: 49,
      },
      COLLECTOR,
    );
    expect(decoded.ip).toBe("203.0.113.7");
    expect(decoded.event).toMatchObject({
      event_id: "0b5a6f9e-6c3f-4a59-9d1e-2f1c7c3e8a10",
      event_type: "custom",
      event_name: "subscription_renewed",
      user_id: "user-1",
      domain_userid: null,
      user_props: '{"email":"ada@example.com"}',
      custom_props: '{"plan":"pro","amount":49}',
      dvce_created_tstamp: Date.UTC(2024, 2, 5, 14),
      derived_tstamp: Date.UTC(2024, 2, 5, 14),
      platform: "api",
      tracker: "jitsu",
      useragent: null,
      page_url: null,
    });
  });

  it("defaults the platform to jitsu without src", () => {
    expect(decodeJitsuEvent({ event_type: "ping" }, COLLECTOR).event.platform).toBe("jitsu");
  });
});

describe("rejections", () => {
  it("refuses what is not an object", () => {
    for (const body of [null, [], "pageview", 1, true, undefined]) {
      expect(rejection(body)).toBe("event must be a JSON object");
    }
  });

  it("names a missing event_type", () => {
    expect(rejection({ user: { anonymous_id: "a" } })).toBe("event_type is missing");
    expect(rejection({ event_type: "" })).toBe("event_type is missing");
  });

  it("names a user that is not an object", () => {
    expect(rejection({ event_type: "pageview", user: "ada" })).toBe("user must be an object");
    expect(rejection({ event_type: "pageview", user: ["ada"] })).toBe("user must be an object");
  });

  it("names a utc_time that is not a date", () => {
    expect(rejection({ event_type: "pageview", utc_time: "yesterday" })).toBe(
      "utc_time is not a date: yesterday",
    );
  });

  it.each(["1970-01-01T00:00:00Z", "+275760-09-13T00:00:00.000Z", "2999-01-01T00:00:00Z"])(
    "names an implausible utc_time %s",
    (utcTime) => {
      expect(rejection({ event_type: "pageview", utc_time: utcTime })).toMatch(/^utc_time /);
    },
  );

  it("names absurd field sizes", () => {
    expect(rejection({ event_type: "x".repeat(LIMITS.shortText + 1) })).toBe(
      "event_type is 1025 characters, over the limit of 1024",
    );
    expect(rejection({ ...pageview(), page_title: "t".repeat(LIMITS.text + 1) })).toBe(
      "page_title is 8193 characters, over the limit of 8192",
    );
    expect(rejection({ ...pageview(), blob: "b".repeat(LIMITS.json) })).toMatch(
      /^event properties is \d+ bytes of JSON, over the limit of 65536$/,
    );
  });

  it("names a field of the wrong type", () => {
    expect(rejection({ ...pageview(), url: { href: "https://x" } })).toBe("url must be a string");
    expect(rejection({ ...pageview(), user: { anonymous_id: ["a"] } })).toBe(
      "user.anonymous_id must be a string",
    );
  });
});
