/**
 * Synthetic but realistic traffic for demos and benchmarks: returning users with a fixed
 * browser/OS/device, sessions spread over the days with a daily and weekly rhythm, landing pages
 * and referrers (some tagged with UTM), page views across ~20 pages, page pings, custom events
 * and link clicks, and a few bots. Deterministic for a given seed.
 */
import { randomUUID } from "node:crypto";
import { emptyEvent, type StoredEvent } from "../events/event.js";
import { enrichUrls } from "../ingest/enrich/url.js";
import { parseAgent } from "../ingest/enrich/user-agent.js";

export interface GenerateOptions {
  projectId: string;
  events: number;
  days: number;
  /** The end of the generated period (epoch ms), default now. */
  end?: number;
  seed?: number;
  host?: string;
}

const PAGES = [
  ["/", "Home"],
  ["/pricing", "Pricing"],
  ["/features", "Features"],
  ["/features/dashboards", "Dashboards as code"],
  ["/features/collector", "Collector"],
  ["/docs", "Documentation"],
  ["/docs/getting-started", "Getting started"],
  ["/docs/sdk", "SDK reference"],
  ["/docs/query-api", "Query API"],
  ["/blog", "Blog"],
  ["/blog/self-hosted-analytics", "Why self-hosted analytics"],
  ["/blog/dashboards-in-git", "Dashboards in git"],
  ["/about", "About us"],
  ["/careers", "Careers"],
  ["/contact", "Contact"],
  ["/signup", "Sign up"],
  ["/login", "Log in"],
  ["/app/projects", "Projects"],
  ["/app/settings", "Settings"],
  ["/changelog", "Changelog"],
] as const;

/** [user agent, weight] */
const AGENTS: Array<[string, number]> = [
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    30,
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    14,
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    10,
  ],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 8],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    5,
  ],
  ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", 3],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    7,
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    10,
  ],
  [
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    8,
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    2,
  ],
  [
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 SamsungBrowser/26.0",
    3,
  ],
];
const BOT_AGENTS = [
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
];
/** [referrer or null for direct, weight] */
const REFERRERS: Array<[string | null, number]> = [
  [null, 35],
  ["https://www.google.com/", 30],
  ["https://github.com/", 10],
  ["https://news.ycombinator.com/", 5],
  ["https://twitter.com/", 5],
  ["https://www.reddit.com/r/analytics/", 4],
  ["https://duckduckgo.com/", 4],
  ["https://www.linkedin.com/", 3],
];
const CAMPAIGNS = [
  "?utm_source=newsletter&utm_medium=email&utm_campaign=launch",
  "?utm_source=twitter&utm_medium=social&utm_campaign=winter",
];
const CUSTOM_EVENTS: Array<[string, (r: Random) => Record<string, unknown>]> = [
  ["search", (r) => ({ query: r.pick(["dashboards", "sdk", "pricing", "clickhouse", "funnels"]) })],
  ["signup_started", () => ({ plan: "free" })],
  ["signup_completed", (r) => ({ plan: r.pick(["free", "team", "enterprise"]) })],
  ["add_to_cart", (r) => ({ sku: `sku-${r.int(1, 40)}`, price: r.int(5, 200) })],
  ["copy_snippet", (r) => ({ language: r.pick(["js", "html", "node"]) })],
  ["video_played", (r) => ({ seconds: r.int(5, 300) })],
];
const LANGUAGES: Array<[string, number]> = [
  ["en-US", 50],
  ["en-GB", 10],
  ["de-DE", 12],
  ["fr-FR", 8],
  ["es-ES", 7],
  ["ja-JP", 5],
  ["pt-BR", 8],
];
const SCREENS = [
  "1920x1080",
  "2560x1440",
  "1440x900",
  "1366x768",
  "1536x864",
  "390x844",
  "412x915",
  "820x1180",
];

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same traffic. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(items: ReadonlyArray<[T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let at = this.next() * total;
    for (const [item, weight] of items) {
      at -= weight;
      if (at < 0) return item;
    }
    return (items[items.length - 1] as [T, number])[0];
  }
}

interface User {
  duid: string;
  userId: string | null;
  agent: string;
  language: string;
  screen: string;
  ip: string;
  sessions: number;
  bot: boolean;
}

/** Traffic is busier on weekdays and in the (UTC) afternoon. */
function activity(at: number): number {
  const date = new Date(at);
  const hour = date.getUTCHours();
  const weekday = date.getUTCDay();
  const daily = 0.3 + Math.sin(((hour - 6) / 24) * Math.PI * 2) * 0.35 + 0.35;
  return daily * (weekday === 0 || weekday === 6 ? 0.6 : 1);
}

/**
 * Generates `events` events over the `days` before `end`, handing them out in chunks of about
 * `chunkSize` (sessions are never split) so that memory stays flat for any total.
 */
export function* generateEvents(
  options: GenerateOptions,
  chunkSize = 50_000,
): Generator<StoredEvent[]> {
  const r = new Random(options.seed ?? 42);
  const end = options.end ?? Date.now();
  const span = options.days * 86_400_000;
  const host = options.host ?? "shop.example.com";
  const users: User[] = [];
  const userCount = Math.max(1, Math.round(options.events / 25));
  for (let i = 0; i < userCount; i++) {
    const bot = r.next() < 0.02;
    users.push({
      duid: randomUUID(),
      userId: r.next() < 0.3 ? `user-${i}` : null,
      agent: bot ? r.pick(BOT_AGENTS) : r.weighted(AGENTS),
      language: r.weighted(LANGUAGES),
      screen: r.pick(SCREENS),
      ip: `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.0`,
      sessions: 0,
      bot,
    });
  }

  let produced = 0;
  let chunk: StoredEvent[] = [];
  while (produced < options.events) {
    // Some users come back often: favour the first tenth of the pool.
    const user = (
      r.next() < 0.4 ? users[r.int(0, Math.floor(userCount / 10))] : r.pick(users)
    ) as User;
    let at = end - r.next() * span;
    if (r.next() > activity(at)) at = end - r.next() * span;
    user.sessions++;
    const sessionId = randomUUID();
    const referrer = r.weighted(REFERRERS);
    const campaign = r.next() < 0.08 ? r.pick(CAMPAIGNS) : "";
    const length = Math.min(options.events - produced, r.int(1, 12));
    let page = r.next() < 0.5 ? PAGES[0] : r.pick(PAGES);
    for (let i = 0; i < length; i++) {
      const event = emptyEvent(options.projectId, randomUUID(), Math.round(at));
      const roll = i === 0 ? 0 : r.next();
      if (roll < 0.55) {
        event.event_type = "page_view";
        if (i > 0) page = r.pick(PAGES);
      } else if (roll < 0.7) {
        event.event_type = "page_ping";
      } else if (roll < 0.88) {
        const [name, props] = r.pick(CUSTOM_EVENTS);
        event.event_type = "custom";
        event.event_name = name;
        event.custom_props = JSON.stringify(props(r));
      } else {
        event.event_type = "link_click";
        const target = r.pick(PAGES);
        event.target_url =
          r.next() < 0.3 ? "https://github.com/glimpse/glimpse" : `https://${host}${target[0]}`;
        event.element_id = r.next() < 0.5 ? `nav-${target[0].split("/")[1] || "home"}` : null;
      }
      event.dvce_created_tstamp = event.collector_tstamp - 120;
      event.dvce_sent_tstamp = event.collector_tstamp - 20;
      event.derived_tstamp = event.collector_tstamp - 100;
      event.domain_userid = user.duid;
      event.user_id = user.userId;
      event.session_id = sessionId;
      event.session_index = user.sessions;
      event.page_url = `https://${host}${page[0]}${i === 0 ? campaign : ""}`;
      event.page_title = `${page[1]} · Shop`;
      event.page_referrer = i === 0 ? referrer : `https://${host}/`;
      event.useragent = user.agent;
      event.browser_language = user.language;
      event.document_language = user.language.slice(0, 2);
      event.screen_resolution = user.screen;
      event.viewport_size = user.screen;
      event.doc_charset = "UTF-8";
      event.ip = user.ip;
      event.platform = "web";
      event.tracker = "js-4.3.0";
      if (user.userId)
        event.user_props = JSON.stringify({ plan: user.duid.charCodeAt(0) % 2 ? "pro" : "free" });
      Object.assign(event, parseAgent(user.agent));
      enrichUrls(event);
      chunk.push(event);
      at += r.int(5, 180) * 1000;
      if (at > end) at = end;
    }
    produced += length;
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
