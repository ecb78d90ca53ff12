/** Page URL, referrer and UTM parsing with the WHATWG URL parser. */
import type { StoredEvent } from "../../events/event.js";

const UTM = ["source", "medium", "campaign", "term", "content"] as const;

function parse(value: string | null): URL | null {
  if (!value) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export function enrichUrls(event: StoredEvent): void {
  const page = parse(event.page_url);
  if (page) {
    event.page_urlhost = page.host;
    event.page_urlpath ??= page.pathname;
    event.page_urlquery = page.search ? page.search.slice(1) : null;
    if (page.search) {
      for (const key of UTM) event[`utm_${key}`] = page.searchParams.get(`utm_${key}`);
    }
  }
  const referrer = parse(event.page_referrer);
  if (referrer) event.refr_urlhost = referrer.host;
}
