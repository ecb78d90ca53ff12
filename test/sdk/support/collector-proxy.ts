/**
 * A switchable stand-in for the collector's address: forwards every request to the real
 * service, and can go down (port closed, connections refused) and come back on the same port,
 * or answer 503 for a while. Lets a test take the collector away without losing the store.
 */
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CollectorProxy {
  url: string;
  /** Answer every POST with 503 (CORS headers included, so the page sees the status). */
  failWith503: boolean;
  /** How many requests reached the proxy (preflights included). */
  requests: number;
  /** The content type of every POST that reached the proxy (a beacon's is text/plain). */
  postTypes: string[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startCollectorProxy(target: string): Promise<CollectorProxy> {
  const to = new URL(target);
  let server: Server | null = null;
  let port = 0;
  const proxy: CollectorProxy = {
    url: "",
    failWith503: false,
    requests: 0,
    postTypes: [],
    async up() {
      server = createServer((req, res) => {
        proxy.requests++;
        if (req.method === "POST") proxy.postTypes.push(req.headers["content-type"] ?? "");
        if (proxy.failWith503 && req.method === "POST") {
          res.writeHead(503, {
            "access-control-allow-origin": req.headers.origin ?? "*",
            "access-control-allow-credentials": "true",
          });
          res.end('{"error":"over capacity"}');
          return;
        }
        const upstream = forward(
          {
            host: to.hostname,
            port: to.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", () => res.writeHead(502).end());
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
      proxy.url = `http://127.0.0.1:${port}`;
    },
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    },
    close: () => proxy.down(),
  };
  await proxy.up();
  return proxy;
}
