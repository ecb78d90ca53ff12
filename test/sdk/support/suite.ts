/**
 * The shared setup of the browser test files: a real service and the test page server for the
 * whole file, and per test a project and a fresh Chromium profile (closed after the test).
 */
import { afterAll, beforeAll } from "vitest";
import { startTestService, type TestService } from "../../helpers/service.js";
import { type BrowserOptions, launchBrowser, type TestBrowser } from "./browser.js";
import { type PageServer, startPageServer } from "./page-server.js";
import { type QueryApi, queryApi } from "./query-api.js";

export interface Suite {
  service: TestService;
  pages: PageServer;
}

export function browserSuite(): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.service = await startTestService();
    suite.pages = await startPageServer();
  });
  afterAll(async () => {
    await suite.pages?.close();
    await suite.service?.dispose();
  });
  return suite;
}

export interface Scenario {
  browser: TestBrowser;
  appId: string;
  query: QueryApi;
  /** Collector POSTs so far. */
  posts(): TestBrowser["collectorRequests"];
}

/** Runs `body` with a new project and a new browser, closing the browser afterwards. */
export async function withBrowser(
  suite: Suite,
  projectId: string,
  body: (scenario: Scenario) => Promise<void>,
  options: BrowserOptions = {},
): Promise<void> {
  const { appId } = await suite.service.createProject(projectId);
  const browser = await launchBrowser(options);
  try {
    await body({
      browser,
      appId,
      query: await queryApi(suite.service, projectId),
      posts: () => browser.collectorRequests.filter((r) => r.method() === "POST"),
    });
  } finally {
    await browser.close();
  }
}
