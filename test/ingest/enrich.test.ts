/**
 * Enrichment: agent and bot flag, IP anonymisation, URL parts, the daily-salted visitor id of
 * anonymous events and the 30-minute sessionizer.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { decodeSnowplowEvent } from "../../src/ingest/decode/snowplow.js";
import { enrich, type RequestContext } from "../../src/ingest/enrich/enrich.js";
import { anonymizeIp } from "../../src/ingest/enrich/ip.js";
import { SESSION_TIMEOUT_MS, Sessionizer } from "../../src/ingest/enrich/sessions.js";
import { enrichUrls } from "../../src/ingest/enrich/url.js";
import { parseAgent } from "../../src/ingest/enrich/user-agent.js";
import { VisitorHasher } from "../../src/ingest/enrich/visitor.js";
import { sdkEvents } from "./gitlab-sdk-fixture.js";

const AGENTS = {
  chromeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  firefoxLinux: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  curl: "curl/8.5.0",
  headlessChrome:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
};

const DAY = Date.UTC(2025, 4, 14, 9, 30);

function freshEnricher() {
  return { visitors: new VisitorHasher(null), sessions: new Sessionizer() };
}

function request(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    ip: "198.51.100.23",
    userAgent: AGENTS.chromeWindows,
    anonymousHeader: false,
    ...overrides,
  };
}

function event(columns: Partial<StoredEvent> = {}, at = DAY): StoredEvent {
  return { ...emptyEvent("shop", randomUUID(), at), event_type: "page_view", ...columns };
}

describe("user agent", () => {
  it("parses Chrome on Windows as a desktop browser", () => {
    expect(parseAgent(AGENTS.chromeWindows)).toEqual({
      agent_name: "Chrome",
      agent_version: "124",
      os_family: "Windows",
      os_name: "Windows 10",
      os_version: "10",
      os_version_major: "10",
      device_type: "desktop",
      is_bot: false,
    });
  });

  it("parses Safari on iOS as a mobile device", () => {
    expect(parseAgent(AGENTS.safariIphone)).toEqual({
      agent_name: "Mobile Safari",
      agent_version: "17",
      os_family: "iOS",
      os_name: "iOS 17",
      os_version: "17.4",
      os_version_major: "17",
      device_type: "mobile",
      is_bot: false,
    });
  });

  it("parses Firefox on Linux, whose OS has no version", () => {
    expect(parseAgent(AGENTS.firefoxLinux)).toMatchObject({
      agent_name: "Firefox",
      agent_version: "125",
      os_family: "Ubuntu",
      os_name: "Ubuntu",
      os_version: null,
      os_version_major: null,
      is_bot: false,
    });
  });

  it.each([
    ["Googlebot", AGENTS.googlebot],
    ["curl", AGENTS.curl],
    ["HeadlessChrome", AGENTS.headlessChrome],
  ])("flags %s as a bot", (_name, agent) => {
    expect(parseAgent(agent).is_bot).toBe(true);
  });

  it("answers the same from its cache", () => {
    expect(parseAgent(AGENTS.safariIphone)).toEqual(parseAgent(AGENTS.safariIphone));
  });

  it("takes the request's agent when the payload has none, and stores bots flagged", () => {
    const e = event({ user_id: "u1" });
    enrich(freshEnricher(), e, request({ userAgent: AGENTS.googlebot }), null);
    expect(e.useragent).toBe(AGENTS.googlebot);
    expect(e.is_bot).toBe(true);
  });

  it("prefers the payload's agent (server-side trackers forward the browser's)", () => {
    const e = event({ user_id: "u1", useragent: AGENTS.safariIphone });
    enrich(freshEnricher(), e, request({ userAgent: AGENTS.curl }), null);
    expect(e).toMatchObject({ agent_name: "Mobile Safari", device_type: "mobile", is_bot: false });
  });
});

describe("IP anonymisation", () => {
  it.each([
    ["203.0.113.195", "203.0.113.0"],
    ["10.0.0.1", "10.0.0.0"],
    ["::ffff:192.0.2.128", "192.0.2.0"],
    ["2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"],
    ["2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8:0::"],
    ["2001:db8::1", "2001:db8:0::"],
    ["::1", "0:0:0::"],
    ["fe80::1ff:fe23:4567:890a", "fe80:0:0::"],
  ])("%s → %s", (ip, anonymised) => {
    expect(anonymizeIp(ip)).toBe(anonymised);
  });

  it("gives null for what is not an address", () => {
    expect(anonymizeIp("not-an-ip")).toBeNull();
    expect(anonymizeIp("")).toBeNull();
  });

  it("stores the anonymised payload IP of an identified event, not the socket's", () => {
    const e = event({ domain_userid: "d1" });
    enrich(freshEnricher(), e, request({ ip: "198.51.100.23" }), "203.0.113.77");
    expect(e.ip).toBe("203.0.113.0");
    expect(e.anonymous).toBe(false);
  });
});

describe("URLs", () => {
  it("splits the page URL, reads UTM parameters and the referrer's host", () => {
    const e = event({
      page_url:
        "https://shop.example.com/products/42?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero&ref=x",
      page_referrer: "https://www.google.com/search?q=trail+shoes",
    });
    enrichUrls(e);
    expect(e).toMatchObject({
      page_urlhost: "shop.example.com",
      page_urlpath: "/products/42",
      page_urlquery:
        "utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero&ref=x",
      utm_source: "newsletter",
      utm_medium: "email",
      utm_campaign: "spring sale",
      utm_term: "shoes",
      utm_content: "hero",
      refr_urlhost: "www.google.com",
    });
  });

  it("leaves query and UTM null when the URL has no query", () => {
    const e = event({ page_url: "https://example.com/about" });
    enrichUrls(e);
    expect(e).toMatchObject({
      page_urlhost: "example.com",
      page_urlpath: "/about",
      page_urlquery: null,
      utm_source: null,
      refr_urlhost: null,
    });
  });

  it("leaves the parts null for a URL that does not parse", () => {
    const e = event({ page_url: "not a url", page_referrer: "also not" });
    enrichUrls(e);
    expect(e).toMatchObject({ page_urlhost: null, page_urlpath: null, refr_urlhost: null });
  });
});

describe("anonymous events", () => {
  // What the GitLab SDK sends by default: no ids, `SP-Anonymous: *`.
  const sdkPageView = (at: number) => {
    const params = sdkEvents("anonymous_default")[0];
    const decoded = decodeSnowplowEvent(params, at);
    decoded.event.project_id = "shop";
    return decoded;
  };
  const anonymousRequest = (ip = "198.51.100.23", userAgent = AGENTS.chromeWindows) =>
    request({ ip, userAgent, anonymousHeader: true });

  it("stores no IP and a visitor id that is stable within a day", () => {
    const enricher = freshEnricher();
    const morning = sdkPageView(DAY);
    const evening = sdkPageView(DAY + 10 * 3600_000);
    enrich(enricher, morning.event, anonymousRequest(), morning.ip);
    enrich(enricher, evening.event, anonymousRequest(), evening.ip);
    expect(morning.event.anonymous).toBe(true);
    expect(morning.event.ip).toBeNull();
    expect(evening.event.ip).toBeNull();
    expect(morning.event.domain_userid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(evening.event.domain_userid).toBe(morning.event.domain_userid);
    expect(morning.event.user_id).toBeNull();
  });

  it("gives the same visitor a different id the next day", () => {
    const enricher = freshEnricher();
    const today = sdkPageView(DAY);
    const tomorrow = sdkPageView(DAY + 24 * 3600_000);
    enrich(enricher, today.event, anonymousRequest(), null);
    enrich(enricher, tomorrow.event, anonymousRequest(), null);
    expect(tomorrow.event.domain_userid).not.toBe(today.event.domain_userid);
  });

  it("tells visitors apart by IP and by user agent", () => {
    const enricher = freshEnricher();
    const ids = [
      anonymousRequest("198.51.100.23"),
      anonymousRequest("198.51.100.24"),
      anonymousRequest("198.51.100.23", AGENTS.firefoxLinux),
    ].map((req) => {
      const { event: e } = sdkPageView(DAY);
      enrich(enricher, e, req, null);
      return e.domain_userid;
    });
    expect(new Set(ids).size).toBe(3);
  });

  it("treats events without any id as anonymous even without the header", () => {
    const e = event();
    enrich(freshEnricher(), e, request({ anonymousHeader: false }), null);
    expect(e.anonymous).toBe(true);
    expect(e.ip).toBeNull();
    expect(e.domain_userid).not.toBeNull();
  });

  it("keeps the visitor id across a restart on the same day (salt in the data dir)", () => {
    const dir = mkdtempSync(join(tmpdir(), "glimpse-salt-"));
    try {
      const before = new VisitorHasher(dir).visitorId("shop", "198.51.100.23", "ua", DAY);
      const after = new VisitorHasher(dir).visitorId("shop", "198.51.100.23", "ua", DAY + 60_000);
      expect(after).toBe(before);
      const file = join(dir, "visitor-salt.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // The stored salt is the day's only: the file names no earlier day.
      new VisitorHasher(dir).visitorId("shop", "198.51.100.23", "ua", DAY + 24 * 3600_000);
      expect(JSON.parse(readFileSync(file, "utf8")).day).toBe("2025-05-15");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives each project its own visitor ids", () => {
    const hasher = new VisitorHasher(null);
    expect(hasher.visitorId("shop", "198.51.100.23", "ua", DAY)).not.toBe(
      hasher.visitorId("blog", "198.51.100.23", "ua", DAY),
    );
  });

  it("sessionizes anonymous events by their visitor id", () => {
    const enricher = freshEnricher();
    const first = sdkPageView(DAY).event;
    const second = sdkPageView(DAY + 5 * 60_000).event;
    const other = sdkPageView(DAY + 5 * 60_000).event;
    enrich(enricher, first, anonymousRequest(), null);
    enrich(enricher, second, anonymousRequest(), null);
    enrich(enricher, other, anonymousRequest("192.0.2.1"), null);
    expect(second.session_id).toBe(first.session_id);
    expect(second.session_index).toBe(1);
    expect(other.session_id).not.toBe(first.session_id);
  });
});

describe("sessionizer", () => {
  const MINUTE = 60_000;

  it("keeps a user's events within 30 minutes of each other in one session", () => {
    const sessions = new Sessionizer();
    const a = sessions.assign("shop", "u1", DAY);
    const b = sessions.assign("shop", "u1", DAY + 29 * MINUTE);
    // Activity extends the session: 58 minutes after its start, 29 after the last event.
    const c = sessions.assign("shop", "u1", DAY + 58 * MINUTE);
    expect(a.index).toBe(1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("opens the next session (index + 1) after 30 minutes of inactivity", () => {
    const sessions = new Sessionizer();
    const first = { ...sessions.assign("shop", "u1", DAY) };
    const second = { ...sessions.assign("shop", "u1", DAY + SESSION_TIMEOUT_MS + 1) };
    const third = { ...sessions.assign("shop", "u1", DAY + 3 * SESSION_TIMEOUT_MS) };
    expect(second.id).not.toBe(first.id);
    expect(second.index).toBe(2);
    expect(third.index).toBe(3);
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
  });

  it("keeps users and projects apart", () => {
    const sessions = new Sessionizer();
    const a = sessions.assign("shop", "u1", DAY);
    const b = sessions.assign("shop", "u2", DAY);
    const c = sessions.assign("blog", "u1", DAY);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect([a.index, b.index, c.index]).toEqual([1, 1, 1]);
  });

  it("puts a late event from a few minutes earlier into the open session", () => {
    const sessions = new Sessionizer();
    const a = sessions.assign("shop", "u1", DAY);
    const late = sessions.assign("shop", "u1", DAY - 5 * MINUTE);
    expect(late.id).toBe(a.id);
  });

  it("derives sessions for Jitsu-style events, which carry none", () => {
    const enricher = freshEnricher();
    const times = [0, 10, 25, 70, 80].map((m) => DAY + m * MINUTE);
    const events = times.map((at) => event({ domain_userid: "anon-1" }, at));
    for (const e of events) enrich(enricher, e, request(), null);
    expect(events.map((e) => e.session_index)).toEqual([1, 1, 1, 2, 2]);
    expect(events[3]?.session_id).not.toBe(events[0]?.session_id);
    expect(events[4]?.session_id).toBe(events[3]?.session_id);
  });

  it("keeps a session id the tracker sent", () => {
    const e = event({ domain_userid: "d1", session_id: "s-from-tracker", session_index: 4 });
    enrich(freshEnricher(), e, request(), null);
    expect(e.session_id).toBe("s-from-tracker");
    expect(e.session_index).toBe(4);
  });
});
