/**
 * A small deterministic event set for the query tests: users with sessions over two weeks of
 * March 2024 (none on the 5th, for zero fill), a few bots, anonymous-tracking events without
 * visitor or session ids, and a session across midnight UTC for timezone buckets.
 */
import { emptyEvent, type StoredEvent } from "../../../src/events/event.js";

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 2, 1);
export const EMPTY_DAY = Date.UTC(2024, 2, 5);
/** The tests' "now": relative ranges are read at this instant. */
export const NOW = Date.UTC(2024, 2, 15, 12, 0, 0);

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENTS = [
  ["Chrome", "120.0"],
  ["Chrome", "121.0"],
  ["Firefox", "122.0"],
  ["Safari", "17.1"],
] as const;
const PAGES = ["/", "/pricing", "/docs", "/docs/sdk", "/blog", "/about"];
const TYPES = ["page_view", "page_view", "custom", "link_click", "page_ping"] as const;

export function buildEvents(projectId: string, seed: number, users: number): StoredEvent[] {
  const r = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const events: StoredEvent[] = [];
  let n = 0;
  const add = (at: number, fill: (e: StoredEvent) => void) => {
    const e = emptyEvent(projectId, `${projectId}-e${n++}`, at);
    fill(e);
    events.push(e);
  };
  for (let u = 0; u < users; u++) {
    const [agent, version] = pick(AGENTS);
    const sessions = 1 + Math.floor(r() * 4);
    for (let s = 0; s < sessions; s++) {
      let day = Math.floor(r() * 14);
      if (START + day * DAY === EMPTY_DAY) day += 1;
      // Whole seconds, so that durations in minutes are exact in both computations.
      let at = START + day * DAY + Math.floor(r() * 86_000) * 1000;
      const length = 1 + Math.floor(r() * 8);
      const sessionId = `${projectId}-u${u}-s${s}`;
      for (let i = 0; i < length; i++) {
        add(at, (e) => {
          e.event_type = i === 0 ? "page_view" : pick(TYPES);
          if (e.event_type === "custom") e.event_name = pick(["signup", "purchase"]);
          if (e.event_type === "link_click") e.target_url = "https://example.com/out";
          const path = pick(PAGES);
          e.page_urlhost = "shop.example.com";
          e.page_urlpath = path;
          e.page_url = `https://shop.example.com${path}`;
          e.page_title = `Page ${path}`;
          e.domain_userid = `${projectId}-d${u}`;
          e.user_id = u % 3 === 0 ? `${projectId}-user${u}` : null;
          e.session_id = sessionId;
          e.session_index = s + 1;
          e.agent_name = agent;
          e.agent_version = version;
          e.os_family = agent === "Safari" ? "Mac OS" : "Windows";
        });
        at += (17 + Math.floor(r() * 280)) * 1000;
      }
    }
  }
  // A session across midnight UTC: 23:30 on the 2nd and 00:20 on the 3rd.
  for (const at of [Date.UTC(2024, 2, 2, 23, 30), Date.UTC(2024, 2, 3, 0, 20)]) {
    add(at, (e) => {
      e.event_type = "page_view";
      e.page_urlpath = "/";
      e.page_url = "https://shop.example.com/";
      e.domain_userid = `${projectId}-night`;
      e.session_id = `${projectId}-night-s0`;
      e.agent_name = "Chrome";
      e.agent_version = "120.0";
    });
  }
  // Bots: left out unless a query asks for them.
  for (let i = 0; i < 5; i++) {
    add(START + i * 3_600_000, (e) => {
      e.event_type = "page_view";
      e.is_bot = true;
      e.page_urlpath = "/";
      e.page_url = "https://shop.example.com/";
      e.domain_userid = `${projectId}-bot`;
      e.session_id = `${projectId}-bot-s0`;
      e.agent_name = "Googlebot";
    });
  }
  // Snowplow's anonymous tracking: no visitor, user or session id.
  for (let i = 0; i < 4; i++) {
    add(START + 2 * DAY + i * 60_000, (e) => {
      e.event_type = "page_view";
      e.anonymous = true;
      e.page_urlpath = "/docs";
      e.page_url = "https://shop.example.com/docs";
    });
  }
  return events;
}
