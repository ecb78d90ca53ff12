/**
 * A tiny HTTP server for the browser tests: one HTML page per scenario from test/sdk/pages/,
 * with `__HOST__` and `__APP__` replaced by the `host` and `app` query parameters, and the
 * SDK's script-tag build at /glimpse.min.js. Any /spa/... path answers spa.html, as a
 * single-page app's server would.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

const require = createRequire(import.meta.url);
const PAGES = new URL("../pages/", import.meta.url);

export interface PageServer {
  url: string;
  /** The address of a page, for an app id and a collector host. */
  page(name: string, params: { app: string; host: string } & Record<string, string>): string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/glimpse.min.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(readFileSync(require.resolve("@glimpse/sdk/glimpse.min.js")));
      return;
    }
    const name = url.pathname.startsWith("/spa/") ? "spa.html" : url.pathname.slice(1);
    let html: string;
    try {
      if (!/^[a-z-]+\.html$/.test(name)) throw new Error("not a page");
      html = readFileSync(new URL(name, PAGES), "utf8");
    } catch {
      response.writeHead(404).end();
      return;
    }
    const host = url.searchParams.get("host") ?? "";
    const app = url.searchParams.get("app") ?? "";
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html.replaceAll("__HOST__", host).replaceAll("__APP__", app));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page: (name, params) => `${url}/${name}?${new URLSearchParams(params)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
