/**
 * `glClientSDK`: the browser tracker. Builds each event as GitLab's SDK does (Snowplow
 * parameters, `co` contexts, custom events and user context), hands it to the send queue, and
 * watches the page for page views, link clicks, activity and errors. Without cookie consent
 * it keeps no identifier at all (`SP-Anonymous: *`); with consent it keeps Snowplow's visitor
 * and session ids in localStorage.
 *
 * @example
 * const gl = glClientSDK({ appId: "a1b2c3", host: "https://glimpse.example.com" });
 * gl.track("signup", { plan: "pro" });
 */
import { listen, type Off, watchActivity, watchHistory, watchLinks } from "./autotrack.js";
import { pageContexts, pageParams } from "./page-context.js";
import { trackingRefused } from "./privacy.js";
import {
  applicationError,
  collectorUrl,
  contextsParam,
  customEvent,
  linkClick,
  type SelfDescribingJson,
  TP2_PATH,
  type TrackerEvent,
  unstructParam,
  userContext,
} from "./protocol.js";
import { createSender } from "./sender.js";
import { localQueue, read, write } from "./storage.js";
import type { GlClientSDK, GlClientSDKOptions } from "./types.js";
import { uuid } from "./uuid.js";
import { parseVisit, touchVisit } from "./visit.js";

export const TRACKER_VERSION = "glimpse-js-0.1.0";

export function glClientSDK(options: GlClientSDKOptions): GlClientSDK {
  return typeof window === "undefined" ||
    trackingRefused(options.respectGlobalPrivacyControl !== false)
    ? silentClient()
    : createClient(options);
}

function silentClient(): GlClientSDK {
  const none = () => {};
  const done = () => Promise.resolve();
  return {
    page: none,
    track: none,
    identify: none,
    setCustomUrl: none,
    setReferrerUrl: none,
    setDocumentTitle: none,
    addCookieConsent: none,
    trackError: none,
    refreshLinkClickTracking: none,
    flush: done,
    shutdown: done,
  };
}

function createClient(o: GlClientSDKOptions): GlClientSDK {
  const plugins = {
    clientHints: true,
    linkTracking: true,
    performanceTiming: true,
    errorTracking: true,
    ...o.plugins,
  };
  const visitKey = `gl_sp_id_${o.appId}`;
  let consent = o.hasCookieConsent === true;
  // Consent withdrawn since an earlier visit: forget the ids kept then.
  if (!consent) write(visitKey, null);
  let userId: string | undefined;
  let user: Record<string, unknown> | undefined;
  let customUrl: string | undefined;
  let customTitle: string | undefined;
  let referrer = document.referrer;
  let pageViewId = uuid();
  let lastPage: string | undefined;
  let lastHref: string | undefined;
  let autoTimer: ReturnType<typeof setTimeout> | undefined;
  const offs: Off[] = [];

  const headers = { "content-type": "application/json; charset=UTF-8", "x-gitlab-appid": o.appId };
  const sender = createSender({
    endpoint: collectorUrl(o.host) + TP2_PATH,
    headers: () => (consent ? headers : { ...headers, "SP-Anonymous": "*" }),
    batchSize: o.batchSize ?? 10,
    flushInterval: o.flushInterval ?? 500,
    maxQueueSize: o.maxQueueSize ?? 100,
    store: localQueue(`gl_sp_q_${o.appId}`),
    browser: true,
  });

  const title = () => customTitle ?? document.title;
  const here = () => location.href.split("#")[0];

  const send = (params: TrackerEvent, extra: SelfDescribingJson[] = []) => {
    const now = Date.now();
    const event: TrackerEvent = {
      ...params,
      eid: uuid(),
      tv: TRACKER_VERSION,
      tna: o.trackerId ?? "gitlab",
      aid: o.appId,
      p: "web",
      ...pageParams(),
      dtm: String(now),
      url: customUrl ?? location.href,
    };
    if (referrer) event.refr = referrer;
    if (consent) {
      const visit = touchVisit(parseVisit(read(visitKey)), now, uuid);
      write(visitKey, JSON.stringify(visit));
      event.vid = String(visit.v);
      event.sid = visit.s;
      event.duid = visit.d;
      if (userId) event.uid = userId;
    }
    event.co = contextsParam([
      ...pageContexts(pageViewId, plugins),
      ...(user ? [userContext(user)] : []),
      ...extra,
    ]);
    sender.add(event);
  };
  const unstruct = (event: SelfDescribingJson, extra?: SelfDescribingJson[]) =>
    send({ e: "ue", ue_pr: unstructParam(event) }, extra);

  const ping = o.pagePingTracking;
  const activity =
    ping === false
      ? undefined
      : watchActivity(typeof ping === "object" ? ping : {}, (scroll) =>
          send({ e: "pp", page: title(), ...scroll }),
        );
  if (activity) offs.push(activity.off);

  const client: GlClientSDK = {
    page(event = {}) {
      clearTimeout(autoTimer);
      pageViewId = uuid();
      lastPage = here();
      lastHref = location.href;
      send({ e: "pv", page: event.title ?? title() }, event.context);
      activity?.reset();
    },
    track: (name, props) => unstruct(customEvent(name, props)),
    identify(id, attributes = {}) {
      userId = id;
      user = Object.keys(attributes).length > 0 ? attributes : undefined;
    },
    setCustomUrl: (url) => {
      customUrl = url;
    },
    setReferrerUrl: (url) => {
      referrer = url;
    },
    setDocumentTitle: (text) => {
      customTitle = text;
    },
    addCookieConsent: () => {
      consent = true;
    },
    trackError: (error) => unstruct(applicationError(error), error.context),
    // One listener on the document already sees links added after the start.
    refreshLinkClickTracking: () => {},
    flush: () => sender.flush(),
    async shutdown() {
      clearTimeout(autoTimer);
      for (const off of offs.splice(0)) off();
      await sender.flush();
      sender.stop();
    },
  };

  // Automatic page views wait a tick, so a page() called right after the start replaces the
  // first one; a navigation that changes only the #hash is not a new page.
  const autoPage = () => {
    clearTimeout(autoTimer);
    autoTimer = setTimeout(() => {
      if (here() === lastPage) return;
      if (lastHref) referrer = lastHref;
      client.page();
    });
  };
  if (o.trackPageViews !== false) {
    autoPage();
    offs.push(watchHistory(autoPage));
  }
  if (plugins.linkTracking) {
    offs.push(
      watchLinks((a) =>
        unstruct(
          linkClick({
            targetUrl: a.href,
            elementId: a.id,
            elementClasses: [...a.classList],
            elementTarget: a.target,
          }),
        ),
      ),
    );
  }
  if (plugins.errorTracking) {
    offs.push(
      listen<ErrorEvent>(window, "error", (e) =>
        client.trackError({
          message: e.message,
          filename: e.filename,
          lineno: e.lineno,
          colno: e.colno,
          error: e.error,
        }),
      ),
    );
  }
  // The page is going away (or may be, once hidden): beacons survive it where fetch may not.
  const hide = () => sender.beacon((url, body) => navigator.sendBeacon?.(url, body) ?? false);
  offs.push(
    listen(window, "pagehide", hide),
    listen(document, "visibilitychange", () => document.visibilityState === "hidden" && hide()),
    listen(window, "online", () => void sender.flush()),
  );
  return client;
}
