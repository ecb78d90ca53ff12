/**
 * Debian's Chromium driven by playwright-core for the web UI's browser tests, and the folder
 * their screenshots go to (GLIMPSE_SCREENSHOTS, default a `glimpse-web-screenshots` temp dir).
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const SCREENSHOTS =
  process.env.GLIMPSE_SCREENSHOTS ?? join(tmpdir(), "glimpse-web-screenshots");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Waits until no panel of the page is loading any more. */
/** The little of the DOM these page functions touch (this file compiles without DOM types). */
interface PageDom {
  document: {
    querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }>;
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  };
}

/** Waits until the page shows `count` panels and none of them is loading any more. */
export async function panelsSettled(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const { document } = globalThis as unknown as PageDom;
      const panels = [...document.querySelectorAll("[data-testid=panel]")];
      return panels.length === n && panels.every((p) => p.getAttribute("data-state") !== "loading");
    },
    count,
    { timeout: 30_000 },
  );
}

/** Waits until the SingleStat titled `title` shows a value other than `before` (or below it). */
export async function statBecomes(
  page: Page,
  title: string,
  change: "other" | "lower",
  before: number,
): Promise<void> {
  await page.waitForFunction(
    ([t, c, b]) => {
      const { document } = globalThis as unknown as PageDom;
      const selector = `[aria-label="${t}"] [data-testid=stat-value]`;
      const v = Number(document.querySelector(selector)?.getAttribute("data-value"));
      return Number.isFinite(v) && (c === "other" ? v !== b : v < Number(b));
    },
    [title, change, before] as const,
    { timeout: 30_000 },
  );
}
