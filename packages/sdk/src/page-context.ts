/**
 * What the browser tells about the page and itself, attached to every event as GitLab's SDK
 * does: the short parameters (`res`, `vp`, `lang`, ...) and the contexts `web_page`,
 * `browser_context`, HTTP client hints and the navigation's performance timing.
 */
import {
  BROWSER_CONTEXT,
  CLIENT_HINTS,
  PERFORMANCE_TIMING,
  type SelfDescribingJson,
  type TrackerEvent,
  WEB_PAGE,
} from "./protocol.js";

type BrowserNavigator = Navigator & {
  deviceMemory?: number;
  userAgentData?: { mobile: boolean; brands: unknown[] };
};

const size = (w: number, h: number) => `${w}x${h}`;
const viewport = () => size(innerWidth, innerHeight);
const resolution = () => size(screen.width, screen.height);
function documentSize(): string {
  const d = document.documentElement;
  const b = document.body;
  return size(
    Math.max(d.scrollWidth, b?.scrollWidth ?? 0),
    Math.max(d.scrollHeight, b?.scrollHeight ?? 0),
  );
}

export function pageParams(): TrackerEvent {
  return {
    cookie: navigator.cookieEnabled ? "1" : "0",
    cs: document.characterSet,
    lang: navigator.language,
    res: resolution(),
    cd: String(screen.colorDepth),
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
    vp: viewport(),
    ds: documentSize(),
  };
}

export function pageContexts(
  pageViewId: string,
  plugins: { clientHints: boolean; performanceTiming: boolean },
): SelfDescribingJson[] {
  const n = navigator as BrowserNavigator;
  const contexts: SelfDescribingJson[] = [
    { schema: WEB_PAGE, data: { id: pageViewId } },
    {
      schema: BROWSER_CONTEXT,
      data: {
        viewport: viewport(),
        documentSize: documentSize(),
        resolution: resolution(),
        colorDepth: screen.colorDepth,
        devicePixelRatio,
        cookiesEnabled: n.cookieEnabled,
        online: n.onLine,
        browserLanguage: n.language,
        documentLanguage: document.documentElement.lang,
        webdriver: n.webdriver,
        deviceMemory: n.deviceMemory,
        hardwareConcurrency: n.hardwareConcurrency,
        tabId: null,
      },
    },
  ];
  const hints = n.userAgentData;
  if (plugins.clientHints && hints) {
    contexts.push({ schema: CLIENT_HINTS, data: { isMobile: hints.mobile, brands: hints.brands } });
  }
  if (plugins.performanceTiming && performance.timing) {
    contexts.push({ schema: PERFORMANCE_TIMING, data: performance.timing.toJSON() });
  }
  return contexts;
}
