/**
 * Page URL, referrer and UTM parsing with the WHATWG URL parser. A site has few distinct URLs
 * compared to its events, so parsed parts are memoised.
 */
import type { StoredEvent } from "../../events/event.js";
import { BoundedMemo } from "../memo.js";

interface PageParts {
  host: string;
  path: string;
  query: string | null;
  utm: [string | null, string | null, string | null, string | null, string | null] | null;
}

const pages = new BoundedMemo<PageParts | null>(20_000);
const hosts = new BoundedMemo<string | null>(20_000);

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function pageParts(value: string): PageParts | null {
  const url = parse(value);
  if (!url) return null;
  const q = url.search ? url.searchParams : null;
  return {
    host: url.host,
    path: url.pathname,
    query: url.search ? url.search.slice(1) : null,
    utm: q && [
      q.get("utm_source"),
      q.get("utm_medium"),
      q.get("utm_campaign"),
      q.get("utm_term"),
      q.get("utm_content"),
    ],
  };
}

export function enrichUrls(event: StoredEvent): void {
  const page = event.page_url ? pages.get(event.page_url, pageParts) : null;
  if (page) {
    event.page_urlhost = page.host;
    event.page_urlpath ??= page.path;
    event.page_urlquery = page.query;
    if (page.utm) {
      [event.utm_source, event.utm_medium, event.utm_campaign, event.utm_term, event.utm_content] =
        page.utm;
    }
  }
  if (event.page_referrer)
    event.refr_urlhost = hosts.get(event.page_referrer, (r) => parse(r)?.host ?? null);
}
