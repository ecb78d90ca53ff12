/**
 * The browser SDK's public types: the same options and methods as GitLab's
 * `@gitlab/application-sdk-browser` (so switching is a one-line change), plus Glimpse's
 * batching options, `flush()` and `shutdown()`.
 */
import type { PagePingOptions } from "./autotrack.js";
import type { ErrorEventProperties, SelfDescribingJson } from "./protocol.js";

export type { ErrorEventProperties, PagePingOptions, SelfDescribingJson };

/** Optional trackers, all on unless turned off (as in GitLab's SDK). */
export interface AllowedPlugins {
  /** Attach the HTTP client hints context (browser brands, mobile). */
  clientHints?: boolean;
  /** Send a link_click event for every link clicked. */
  linkTracking?: boolean;
  /** Attach the navigation's PerformanceTiming context. */
  performanceTiming?: boolean;
  /** Send an application_error event for every uncaught error. */
  errorTracking?: boolean;
}

export interface GlClientSDKOptions {
  /** The project's app id (its ingestion key). */
  appId: string;
  /** The collector's base URL, e.g. `https://glimpse.example.com`. */
  host: string;
  /** With consent, events carry persistent ids (duid, sid, vid, uid); without, none. */
  hasCookieConsent?: boolean;
  /** The tracker namespace sent as `tna` (default `gitlab`). */
  trackerId?: string;
  /** Send nothing when the browser signals Global Privacy Control (default true). */
  respectGlobalPrivacyControl?: boolean;
  /** Page pings: on by default (30 s, then every 30 s), off with `false`. */
  pagePingTracking?: boolean | PagePingOptions;
  plugins?: AllowedPlugins;
  /**
   * Glimpse: send a page view on load and on every history navigation (default true). A
   * `page()` called right after creating the client replaces the automatic first page view,
   * so a page written for GitLab's SDK still sends one.
   */
  trackPageViews?: boolean;
  /** Glimpse: send as soon as this many events wait (default 10). */
  batchSize?: number;
  /** Glimpse: ...or this many ms after the first of them (default 500). */
  flushInterval?: number;
  /** Glimpse: at most this many unsent events are kept, offline too (default 100). */
  maxQueueSize?: number;
}

export interface PageViewEvent {
  /** The page title (default: `setDocumentTitle`'s, else `document.title`). */
  title?: string;
  /** Extra contexts for this page view. */
  context?: SelfDescribingJson[];
}

export interface GlClientSDK {
  page(event?: PageViewEvent): void;
  track(eventName: string, eventAttributes?: Record<string, unknown>): void;
  identify(userId: string, userAttributes?: Record<string, unknown>): void;
  setCustomUrl(url: string): void;
  setReferrerUrl(url: string): void;
  setDocumentTitle(title: string): void;
  addCookieConsent(): void;
  trackError(event: ErrorEventProperties): void;
  refreshLinkClickTracking(): void;
  /** Sends every waiting event now. */
  flush(): Promise<void>;
  /** Stops automatic tracking and sends what waits. */
  shutdown(): Promise<void>;
}

/** GitLab's names for the same types. */
export type GitLabClientSDKOptions = GlClientSDKOptions;
export type GitLabClientSDKType = GlClientSDK;
