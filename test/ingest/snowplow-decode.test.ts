/**
 * The Snowplow tracker protocol decoder, first against every event GitLab's browser SDK really
 * sent, then against the variants other Snowplow trackers use (base64url, structured events) and
 * the inputs it must refuse with a reason.
 */
import { describe, expect, it } from "vitest";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { EventRejected, LIMITS } from "../../src/ingest/decode/decoded.js";
import { decodeSnowplowEvent, derivedTimestamp } from "../../src/ingest/decode/snowplow.js";
import { sdkEvent, sdkEvents } from "./gitlab-sdk-fixture.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Collector time for a fixture event: 250 ms after the tracker sent it. */
const collectorFor = (params: Record<string, string>) => Number(params.stm) + 250;

function decode(params: Record<string, unknown>, collector = Date.now()) {
  return decodeSnowplowEvent(params, collector);
}

function rejection(params: unknown): string {
  try {
    decodeSnowplowEvent(params, Date.now());
  } catch (error) {
    expect(error).toBeInstanceOf(EventRejected);
    return (error as Error).message;
  }
  throw new Error(`expected a rejection of ${JSON.stringify(params)}`);
}

/** Columns every event of the capture shares: browser, page context, tracker. */
const BROWSER = {
  browser_language: "en-US",
  screen_resolution: "1280x720",
  viewport_size: "1280x720",
  doc_charset: "windows-1252",
  platform: "web",
  tracker: "js-4.3.0",
} satisfies Partial<StoredEvent>;

function expected(
  params: Record<string, string>,
  columns: Partial<StoredEvent>,
  collector = collectorFor(params),
): StoredEvent {
  const created = Number(params.dtm);
  const sent = Number(params.stm);
  return {
    ...emptyEvent("", params.eid as string, collector),
    dvce_created_tstamp: created,
    dvce_sent_tstamp: sent,
    derived_tstamp: collector - (sent - created),
    ...BROWSER,
    ...columns,
  };
}

describe("GitLab SDK 0.3.4, default anonymous tracking", () => {
  const events = sdkEvents("anonymous_default");

  it("captured the five events the page script produced", () => {
    expect(events.map((e) => e.e)).toEqual(["pv", "ue", "ue", "pv", "ue"]);
  });

  it("decodes every event to the expected columns", () => {
    const decoded = events.map((params) => decode(params, collectorFor(params)));
    for (const d of decoded) {
      expect(d.appId).toBe("APPID");
      expect(d.ip).toBeNull();
    }
    const [pageView, cart1, cart2, secondView, click] = events as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    expect(decoded.map((d) => d.event)).toEqual([
      expected(pageView, {
        event_type: "page_view",
        page_url: "http://127.0.0.1:35151/",
        page_title: "Shop home",
      }),
      expected(cart1, {
        event_type: "custom",
        event_name: "add_to_cart",
        custom_props: '{"sku":"sku-1","price":12}',
        page_url: "http://127.0.0.1:35151/",
      }),
      expected(cart2, {
        event_type: "custom",
        event_name: "add_to_cart",
        custom_props: '{"sku":"sku-2"}',
        // identify() without cookie consent only adds the user_context.
        user_props: '{"plan":"pro"}',
        page_url: "http://127.0.0.1:35151/",
      }),
      expected(secondView, {
        event_type: "page_view",
        page_url: "http://127.0.0.1:35151/",
        page_title: "Second view",
        user_props: '{"plan":"pro"}',
      }),
      expected(click, {
        event_type: "link_click",
        target_url: "http://127.0.0.1:35151/#docs",
        element_id: "docs",
        user_props: '{"plan":"pro"}',
        page_url: "http://127.0.0.1:35151/",
      }),
    ]);
  });

  it("carries no user, cookie or session ids", () => {
    for (const params of events) {
      const { event } = decode(params, collectorFor(params));
      expect(event).toMatchObject({
        user_id: null,
        domain_userid: null,
        session_id: null,
        session_index: null,
      });
    }
  });
});

describe("GitLab SDK 0.3.4 with cookie consent", () => {
  const events = sdkEvents("with_cookie_consent");
  const decoded = events.map((params) => decode(params, collectorFor(params)).event);

  it("carries the domain user id, session id and index on every event", () => {
    for (const event of decoded) {
      expect(event).toMatchObject({
        domain_userid: "d2c52780-0f79-4283-bf0d-4392adf96798",
        session_id: "74bbe01d-47a8-42aa-8a14-16c027010ca3",
        session_index: 1,
      });
    }
  });

  it("carries the user id only after identify()", () => {
    expect(decoded.map((e) => e.user_id)).toEqual([null, null, "user-1", "user-1", "user-1"]);
    expect(decoded.map((e) => e.user_props)).toEqual([
      null,
      null,
      '{"plan":"pro"}',
      '{"plan":"pro"}',
      '{"plan":"pro"}',
    ]);
  });

  it("decodes types, names, props and the link click", () => {
    expect(decoded.map((e) => [e.event_type, e.event_name])).toEqual([
      ["page_view", null],
      ["custom", "add_to_cart"],
      ["custom", "add_to_cart"],
      ["page_view", null],
      ["link_click", null],
    ]);
    expect(decoded[1]?.custom_props).toBe('{"sku":"sku-1","price":12}');
    expect(decoded[4]).toMatchObject({
      target_url: "http://127.0.0.1:34869/#docs",
      element_id: "docs",
      page_url: "http://127.0.0.1:34869/",
    });
  });

  it("keeps the SDK's event ids", () => {
    expect(decoded.map((e) => e.event_id)).toEqual(events.map((e) => e.eid));
  });
});

describe("browser_context", () => {
  const context = (data: Record<string, unknown>) =>
    JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
      data: [
        { schema: "iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0", data },
      ],
    });

  it("fills viewport, resolution and languages the parameters did not give", () => {
    const { event } = decode({
      e: "pv",
      co: context({
        viewport: "390x844",
        resolution: "1170x2532",
        browserLanguage: "fr-FR",
        documentLanguage: "fr",
      }),
    });
    expect(event).toMatchObject({
      viewport_size: "390x844",
      screen_resolution: "1170x2532",
      browser_language: "fr-FR",
      document_language: "fr",
    });
  });

  it("does not override the tracker parameters", () => {
    const { event } = decode({
      e: "pv",
      vp: "800x600",
      res: "1024x768",
      lang: "de-DE",
      co: context({ viewport: "1x1", resolution: "2x2", browserLanguage: "xx" }),
    });
    expect(event).toMatchObject({
      viewport_size: "800x600",
      screen_resolution: "1024x768",
      browser_language: "de-DE",
    });
  });

  // The fields read from a context text are memoised by that text: events sharing it must still
  // each get them, their own parameters must still win, and a bad text must be refused each time.
  it("gives every event sharing a context text its fields, its own parameters first", () => {
    const co = context({ viewport: "390x844", resolution: "1170x2532", documentLanguage: "fr" });
    const cx = Buffer.from(co).toString("base64url");
    const first = decode({ e: "pv", co }).event;
    const own = decode({ e: "pv", co, vp: "800x600" }).event;
    const encoded = decode({ e: "pv", cx }).event;
    const again = decode({ e: "pv", co }).event;
    for (const event of [first, encoded, again]) {
      expect(event).toMatchObject({
        viewport_size: "390x844",
        screen_resolution: "1170x2532",
        document_language: "fr",
      });
    }
    expect(own).toMatchObject({ viewport_size: "800x600", screen_resolution: "1170x2532" });
    const bad = context({ viewport: { width: 390 } });
    expect(rejection({ e: "pv", co: bad })).toMatch(/browser_context\.viewport/);
    expect(rejection({ e: "pv", co: bad })).toMatch(/browser_context\.viewport/);
  });

  it("refuses a bad context value only when the event has to use it", () => {
    const co = context({ viewport: { width: 390 }, browserLanguage: "x".repeat(5000) });
    expect(decode({ e: "pv", co, vp: "800x600", lang: "de-DE" }).event).toMatchObject({
      viewport_size: "800x600",
      browser_language: "de-DE",
    });
    expect(rejection({ e: "pv", co, vp: "800x600" })).toMatch(/browser_context\.browserLanguage/);
    expect(rejection({ e: "pv", co, lang: "de-DE" })).toMatch(/browser_context\.viewport/);
  });
});

describe("timestamps", () => {
  const collector = Date.UTC(2025, 5, 1, 12, 0, 0);

  it("derives collector - (sent - created), removing the device clock's skew", () => {
    // The device clock is 1 hour behind; the event waited 5 s in the tracker's queue.
    const created = collector - 3_600_000 - 5_000;
    const sent = collector - 3_600_000;
    const { event } = decode({ e: "pv", dtm: String(created), stm: String(sent) }, collector);
    expect(event.dvce_created_tstamp).toBe(created);
    expect(event.dvce_sent_tstamp).toBe(sent);
    expect(event.collector_tstamp).toBe(collector);
    expect(event.derived_tstamp).toBe(collector - 5_000);
  });

  it("uses the collector time when the sent time is missing", () => {
    const { event } = decode({ e: "pv", dtm: String(collector - 60_000) }, collector);
    expect(event.derived_tstamp).toBe(collector);
  });

  it("clamps a device time in the future to the collector time", () => {
    // Created after it was sent: a broken clock; the derived time would be in the future.
    const { event } = decode(
      { e: "pv", dtm: String(collector + 86_400_000), stm: String(collector) },
      collector,
    );
    expect(event.derived_tstamp).toBe(collector);
    expect(derivedTimestamp(collector, null, null, collector + 1)).toBe(collector);
  });

  it("prefers the true timestamp (ttm) when given", () => {
    const trueTime = collector - 7_200_000;
    const { event } = decode(
      {
        e: "pv",
        dtm: String(collector - 10_000),
        stm: String(collector - 5_000),
        ttm: String(trueTime),
      },
      collector,
    );
    expect(event.derived_tstamp).toBe(trueTime);
  });

  it("accepts numbers as well as the strings GET and POST trackers send", () => {
    const { event } = decode(
      { e: "pv", dtm: collector - 2_000, stm: collector - 1_000 },
      collector,
    );
    expect(event.derived_tstamp).toBe(collector - 1_000);
  });

  it.each([
    ["dtm", "yesterday"],
    ["dtm", String(Math.trunc(collector / 1000))], // seconds, not milliseconds
    ["stm", "1e16"],
    ["ttm", "NaN"],
    ["stm", "-1"],
  ])("rejects %s=%s", (field, value) => {
    expect(rejection({ e: "pv", [field]: value })).toMatch(
      new RegExp(`^${field} is not a timestamp in milliseconds`),
    );
  });
});

describe("base64url payloads (ue_px, cx)", () => {
  const base64url = (json: string) => Buffer.from(json, "utf8").toString("base64url");
  const padded = (json: string) => {
    const encoded = base64url(json);
    return encoded + "=".repeat((4 - (encoded.length % 4)) % 4);
  };

  for (const [variant, encode] of [
    ["without padding", base64url],
    ["with padding", padded],
  ] as const) {
    it(`decodes ue_px and cx ${variant} exactly as ue_pr and co`, () => {
      for (const index of [1, 2, 4]) {
        const plain = sdkEvent("with_cookie_consent", index);
        const { ue_pr, co, ...rest } = plain;
        const encoded = { ...rest, ue_px: encode(ue_pr as string), cx: encode(co as string) };
        const collector = collectorFor(plain);
        expect(decode(encoded, collector)).toEqual(decode(plain, collector));
      }
    });
  }

  it("padding is exercised: some fixture payloads are not a multiple of 3 bytes", () => {
    const lengths = sdkEvents("with_cookie_consent").map((e) => Buffer.byteLength(e.co ?? ""));
    expect(lengths.some((n) => n % 3 !== 0)).toBe(true);
  });

  it("decodes non-ASCII props through base64url", () => {
    const ue = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      data: {
        schema: "iglu:com.gitlab/custom_event/jsonschema/1-0-0",
        data: { name: "añadir", props: { título: "漢字 🎉", "a,b": 'q"uote' } },
      },
    });
    const { event } = decode({ e: "ue", ue_px: base64url(ue) });
    expect(event.event_name).toBe("añadir");
    expect(JSON.parse(event.custom_props ?? "")).toEqual({ título: "漢字 🎉", "a,b": 'q"uote' });
  });

  it("rejects base64 that is not JSON", () => {
    expect(rejection({ e: "ue", ue_px: base64url("{not json") })).toBe("ue_px is not valid JSON");
    expect(rejection({ e: "pv", cx: "%%%%" })).toBe("cx is not valid JSON");
  });
});

describe("other event types", () => {
  it("decodes structured events (se_*)", () => {
    const { event } = decode({
      e: "se",
      se_ca: "checkout",
      se_ac: "apply_coupon",
      se_la: "SPRING",
      se_pr: "basket",
      se_va: "12.5",
    });
    expect(event.event_type).toBe("structured");
    expect(event.event_name).toBe("apply_coupon");
    expect(JSON.parse(event.custom_props ?? "")).toEqual({
      category: "checkout",
      label: "SPRING",
      property: "basket",
      value: "12.5",
    });
  });

  it("gives absent structured fields as null", () => {
    const { event } = decode({ e: "se", se_ca: "nav", se_ac: "open" });
    expect(JSON.parse(event.custom_props ?? "")).toEqual({
      category: "nav",
      label: null,
      property: null,
      value: null,
    });
  });

  it("decodes page pings", () => {
    expect(decode({ e: "pp", url: "https://example.com/" }).event.event_type).toBe("page_ping");
  });

  it("keeps another self-describing event as a custom event named after its schema", () => {
    const { event } = decode({
      e: "ue",
      ue_pr: JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
        data: {
          schema: "iglu:com.acme/checkout_started/jsonschema/1-0-2",
          data: { items: 3, total: 42.5 },
        },
      }),
    });
    expect(event.event_type).toBe("custom");
    expect(event.event_name).toBe("checkout_started");
    expect(JSON.parse(event.custom_props ?? "")).toEqual({ items: 3, total: 42.5 });
  });

  it("takes the page's title, referrer, agent, ids and ip from the parameters", () => {
    const decoded = decode({
      e: "pv",
      aid: "key",
      url: "https://shop.example/p?q=1",
      page: "Product",
      refr: "https://www.google.com/",
      ua: "Mozilla/5.0",
      uid: "u-1",
      duid: "d-1",
      sid: "s-1",
      vid: "7",
      ip: "203.0.113.9",
    });
    expect(decoded.appId).toBe("key");
    expect(decoded.ip).toBe("203.0.113.9");
    expect(decoded.event).toMatchObject({
      page_url: "https://shop.example/p?q=1",
      page_title: "Product",
      page_referrer: "https://www.google.com/",
      useragent: "Mozilla/5.0",
      user_id: "u-1",
      domain_userid: "d-1",
      session_id: "s-1",
      session_index: 7,
    });
  });
});

describe("event ids", () => {
  it("keeps a valid eid (lower-cased)", () => {
    expect(decode({ e: "pv", eid: "E74718E7-B18B-45E8-92B5-C193FD2B090A" }).event.event_id).toBe(
      "e74718e7-b18b-45e8-92b5-c193fd2b090a",
    );
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["not a UUID", "not-a-uuid"],
    ["a UUID with junk around it", " e74718e7-b18b-45e8-92b5-c193fd2b090a"],
    ["a number", 42],
  ])("replaces an eid that is %s with a fresh UUID", (_case, eid) => {
    const first = decode({ e: "pv", eid }).event.event_id;
    const second = decode({ e: "pv", eid }).event.event_id;
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });
});

describe("rejections", () => {
  it("names an unknown event type", () => {
    expect(rejection({ e: "xx" })).toBe('unknown event type e="xx"');
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "treats e=%s as unknown, not as an inherited property",
    (code) => {
      expect(rejection(JSON.parse(`{"e":${JSON.stringify(code)}}`))).toMatch(/^unknown event type/);
    },
  );

  it("names a missing or non-string event type", () => {
    expect(rejection({ url: "https://example.com/" })).toBe("e (event type) is missing");
    expect(rejection({ e: 1 })).toBe("e (event type) is missing");
  });

  it("refuses what is not an object of parameters", () => {
    for (const params of [null, "e=pv", 42, [{ e: "pv" }], undefined]) {
      expect(rejection(params)).toBe("event must be an object of tracker parameters");
    }
  });

  it("names bad ue_pr JSON", () => {
    expect(rejection({ e: "ue", ue_pr: "{oops" })).toBe("ue_pr is not valid JSON");
  });

  it("names a ue_pr that is not a self-describing event", () => {
    expect(rejection({ e: "ue", ue_pr: '{"name":"x"}' })).toBe(
      "ue_pr/ue_px must be a self-describing unstruct_event",
    );
    expect(rejection({ e: "ue", ue_pr: "null" })).toBe(
      "ue_pr/ue_px must be a self-describing unstruct_event",
    );
  });

  it("names a self-describing event without its payload", () => {
    expect(rejection({ e: "ue" })).toBe("ue_pr or ue_px is missing for a self-describing event");
  });

  it("names a custom_event without a name", () => {
    const ue = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      data: { schema: "iglu:com.gitlab/custom_event/jsonschema/1-0-0", data: { props: {} } },
    });
    expect(rejection({ e: "ue", ue_pr: ue })).toBe("custom_event.name is missing");
  });

  it("names a structured event without an action", () => {
    expect(rejection({ e: "se", se_ca: "nav" })).toBe("se_ac (structured event action) is missing");
  });

  it("names bad contexts", () => {
    expect(rejection({ e: "pv", co: "[" })).toBe("co is not valid JSON");
    expect(rejection({ e: "pv", co: '{"schema":"x","data":{}}' })).toBe(
      "co/cx must be a self-describing contexts array",
    );
  });

  it("names a bad session index", () => {
    for (const vid of ["-1", "1.5", "abc", "99999999999"]) {
      expect(rejection({ e: "pv", vid })).toBe("vid must be a non-negative integer");
    }
  });

  it("names absurd field sizes instead of truncating them", () => {
    expect(rejection({ e: "pv", url: `https://example.com/${"a".repeat(LIMITS.text)}` })).toMatch(
      /^url is \d+ characters, over the limit of 8192$/,
    );
    expect(rejection({ e: "pv", uid: "u".repeat(LIMITS.shortText + 1) })).toBe(
      "uid is 1025 characters, over the limit of 1024",
    );
    const hugeProps = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      data: {
        schema: "iglu:com.gitlab/custom_event/jsonschema/1-0-0",
        data: { name: "big", props: { blob: "x".repeat(LIMITS.json) } },
      },
    });
    expect(rejection({ e: "ue", ue_pr: hugeProps })).toMatch(
      /^custom_event\.props is \d+ bytes of JSON, over the limit of 65536$/,
    );
  });

  it("names a parameter of the wrong type", () => {
    expect(rejection({ e: "pv", page: { title: "x" } })).toBe("page must be a string");
  });

  it("accepts fields exactly at their limit", () => {
    const url = `https://example.com/${"a".repeat(LIMITS.text - 20)}`;
    expect(url).toHaveLength(LIMITS.text);
    expect(decode({ e: "pv", url }).event.page_url).toBe(url);
  });
});
