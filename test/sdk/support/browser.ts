/**
 * Debian's Chromium driven by playwright-core, each launch over a fresh profile directory
 * (removed on close). The user agent is a desktop Chrome's, set on the command line so that
 * beacons sent while a page unloads carry it too: the collector flags "HeadlessChrome" as a
 * bot, and the query API leaves bots out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Request } from "playwright-core";

export const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export interface BrowserOptions {
  /** Turn on the profile's "Send a Do Not Track request" setting. */
  doNotTrack?: boolean;
  /** Make `navigator.globalPrivacyControl` true (Chromium has no setting for it yet). */
  globalPrivacyControl?: boolean;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Every request the pages made to the collector's tp2 endpoint, in order. */
  collectorRequests: Request[];
  close(): Promise<void>;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "glimpse-chromium-"));
  if (options.doNotTrack) {
    mkdirSync(join(profile, "Default"));
    writeFileSync(
      join(profile, "Default", "Preferences"),
      JSON.stringify({ enable_do_not_track: true }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      `--user-agent=${USER_AGENT}`,
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
  if (options.globalPrivacyControl) {
    await context.addInitScript(
      "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })",
    );
  }
  const collectorRequests: Request[] = [];
  context.on("request", (request) => {
    if (request.url().endsWith("/com.snowplowanalytics.snowplow/tp2")) {
      collectorRequests.push(request);
    }
  });
  return {
    context,
    collectorRequests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The events a collector request carried (tp2 body), or [] for a preflight. */
export function requestEvents(request: Request): Record<string, string>[] {
  if (request.method() !== "POST") return [];
  const body = request.postData();
  return body ? (JSON.parse(body) as { data: Record<string, string>[] }).data : [];
}
