/**
 * `npm run bench:ingest`: the collector under load, measured from a second process.
 *
 * 1. A bare Node `http` server that only parses the JSON body and answers 200, with requests of
 *    1 event and of 50: the ceiling of any collector written in Node on this machine.
 * 2. Glimpse (`glimpse serve` on a fresh data dir) with Snowplow tp2 requests of 1 event, then
 *    of 50 events (every event with its own id, as trackers send them), counting only events
 *    that were acknowledged and then found in DuckDB.
 * Prints events/s, p50/p99 acknowledgement latency, CPU per event, peak RSS of the service, and
 * our req/s (single events) and stored events/s (batched) as ratios of the bare server's.
 * `-- --store clickhouse` runs the service on ClickHouse (CLICKHOUSE_URL, or a throwaway
 * server) instead of DuckDB.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { clickHouseForBench, storeFlag } from "./bench-store.js";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** Concurrent client connections of each run. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/**
 * BENCH_VISITORS=N gives each event the cookie ids (`duid`, `sid`) of one of N visitors, as
 * Snowplow's tracker sends them, so that a load touches many sessions. By default every event
 * is one anonymous visitor (one address and agent): the store's sessions upkeep is then least.
 */
const VISITORS = Number(process.env.BENCH_VISITORS ?? 1);
/** BENCH_ONLY=single|batched runs one of the two Glimpse scenarios (for profiling). */
const only = process.env.BENCH_ONLY;
const root = fileURLToPath(new URL("../..", import.meta.url));

/** One page view as GitLab's SDK sends it (contexts included), with a placeholder id. */
const EVENT_TEMPLATE = JSON.stringify({
  e: "pv",
  url: "https://shop.example.com/products/42?utm_source=newsletter",
  page: "Product 42",
  refr: "https://www.google.com/",
  eid: "EID",
  tv: "js-4.3.0",
  tna: "gitlab",
  aid: "APPID",
  p: "web",
  cookie: "1",
  cs: "UTF-8",
  lang: "en-US",
  res: "1920x1080",
  cd: "24",
  tz: "Europe/Berlin",
  dtm: "DTM",
  stm: "STM",
  vp: "1280x720",
  ds: "1280x2400",
  co: JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
    data: [
      {
        schema: "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
        data: { id: "578763dd-ad57-49ce-87bc-8a3e7a3ae3b2" },
      },
      {
        schema: "iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0",
        data: {
          viewport: "1280x720",
          resolution: "1920x1080",
          browserLanguage: "en-US",
          documentLanguage: "en",
        },
      },
    ],
  }),
});

const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let counter = 0;
function body(appId: string, events: number): string {
  const now = String(Date.now());
  const parts: string[] = [];
  for (let i = 0; i < events; i++) {
    const id = (counter++).toString(16).padStart(12, "0");
    let event = EVENT_TEMPLATE.replace("EID", `6f1c2d3e-4b5a-4c6d-8e7f-${id}`)
      .replace("APPID", appId)
      .replace("DTM", now)
      .replace("STM", now);
    if (VISITORS > 1) {
      const visitor = Math.floor(Math.random() * VISITORS);
      event = `${event.slice(0, -1)},"duid":"visitor-${visitor}","sid":"session-${visitor}","vid":"1"}`;
    }
    parts.push(event);
  }
  return `{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[${parts.join(",")}]}`;
}

interface Run {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

async function load(url: string, appId: string, events: number, connections: number): Promise<Run> {
  const result = await autocannon({
    url,
    connections,
    duration: DURATION_S,
    requests: [
      {
        method: "POST",
        path: "/com.snowplowanalytics.snowplow/tp2",
        headers: {
          "content-type": "application/json; charset=UTF-8",
          "user-agent": UA,
          "x-gitlab-appid": appId,
        },
        setupRequest: (request) => ({ ...request, body: body(appId, events) }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
  };
}

function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/i.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], log: () => output });
    });
    child.on("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited with ${code}: ${output}`)),
    );
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

const BARE_SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  let data = "";
  req.setEncoding("utf8");
  req.on("data", (c) => { data += c; });
  req.on("end", () => { JSON.parse(data); res.writeHead(200, { "content-type": "application/json" }); res.end('{"status":"ok"}'); });
});
server.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + server.address().port));
`;

async function stored(url: string, token: string, project: string): Promise<number> {
  const now = new Date();
  let total = 0;
  // Count this month and the previous one, in case the run crosses a month boundary.
  for (const d of [now, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))]) {
    const response = await fetch(
      `${url}/usage/${project}/${d.getUTCFullYear()}/${d.getUTCMonth() + 1}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    total += ((await response.json()) as { result: number }).result;
  }
  return total;
}

async function main(): Promise<void> {
  const kind = storeFlag(process.argv.slice(2));
  const clickhouse = kind === "clickhouse" ? await clickHouseForBench() : null;
  const storeName = clickhouse ? "ClickHouse" : "DuckDB";
  console.log(
    `bench:ingest — ${DURATION_S} s per run, Node ${process.version}, store ${storeName}, ${VISITORS === 1 ? "one anonymous visitor" : `${VISITORS} visitors`}\n`,
  );

  const bare = await startProcess(["-e", BARE_SERVER], {});
  const bareRun = await load(bare.url, "APPID", 1, CONNECTIONS);
  // The same server with the batched run's bodies: the least that receiving and parsing them
  // costs on this machine.
  const bareCpuBefore = cpuSeconds(bare.child.pid as number);
  const bareBatched = only === "single" ? null : await load(bare.url, "APPID", 50, CONNECTIONS);
  const bareCpuPerEvent = bareBatched
    ? ((cpuSeconds(bare.child.pid as number) - bareCpuBefore) / (bareBatched.requests * 50)) * 1e6
    : 0;
  bare.child.kill();

  const dataDir = mkdtempSync(join(tmpdir(), "glimpse-bench-"));
  const token = "bench-admin-token-0123456789";
  // BENCH_PROFILE=dir writes a CPU profile of the service (node --cpu-prof) into dir.
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const service = await startProcess(
    [...profile, "bin/glimpse.cjs", "serve", "--port", "0", "--host", "127.0.0.1"],
    {
      GLIMPSE_DATA_DIR: dataDir,
      GLIMPSE_DEMO: "false",
      GLIMPSE_ADMIN_TOKEN: token,
      GLIMPSE_LOG_LEVEL: "warn",
      ...(clickhouse ? { GLIMPSE_STORE: "clickhouse", CLICKHOUSE_URL: clickhouse.url } : {}),
    },
  );
  try {
    const created = await fetch(`${service.url}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "bench" }),
    });
    const { appId } = (await created.json()) as { appId: string };

    const row = (name: string, r: Run, eventsPerRequest: number) =>
      `${name.padEnd(28)} ${String(Math.round(r.reqPerSec)).padStart(8)} req/s ${String(Math.round(r.reqPerSec * eventsPerRequest)).padStart(9)} events/s   p50 ${r.p50} ms   p99 ${r.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
    console.log(row("bare node http (1 event)", bareRun, 1));
    if (bareBatched) {
      console.log(row("bare node http (50 events)", bareBatched, 50));
      console.log(`${"".padEnd(28)} bare server CPU ${bareCpuPerEvent.toFixed(1)} µs per event`);
    }
    // The service's CPU time per request: a figure that other load on the machine disturbs less
    // than req/s does.
    const pid = service.child.pid as number;
    const measured = async (name: string, events: number) => {
      const cpuBefore = cpuSeconds(pid);
      const run = await load(service.url, appId, events, CONNECTIONS);
      const perRequest = ((cpuSeconds(pid) - cpuBefore) / run.requests) * 1e6;
      console.log(row(name, run, events));
      console.log(
        `${"".padEnd(28)} service CPU ${perRequest.toFixed(0)} µs per request, ${(perRequest / events).toFixed(1)} µs per event (loads into the store included)`,
      );
      return run;
    };

    const single = only === "batched" ? null : await measured("glimpse tp2, 1 event", 1);
    if (only !== "single") {
      const started = Date.now();
      const before = await stored(service.url, token, "bench");
      const batched = await measured("glimpse tp2, 50 events", 50);
      const acknowledged = (batched.requests - batched.non2xx) * 50;
      // Landed: wait until DuckDB holds every acknowledged event of the batched run (requests
      // cut off by the end of the run may land too: count at least the acknowledged ones).
      let landed = 0;
      while (Date.now() - started < 120_000) {
        landed = (await stored(service.url, token, "bench")) - before;
        if (landed >= acknowledged) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const landedSeconds = (Date.now() - started) / 1000;
      console.log("");
      console.log(
        `batched: ${acknowledged} events acknowledged, all in ${storeName} ${landedSeconds.toFixed(1)} s after the run began → ${Math.round(acknowledged / landedSeconds)} events/s durable and stored (target ≥ 150000)`,
      );
      if (bareBatched)
        console.log(
          `batched events/s stored vs bare server (50 events): ${(acknowledged / landedSeconds / (bareBatched.reqPerSec * 50)).toFixed(2)}`,
        );
      if (landed < acknowledged)
        console.log(`WARNING: ${acknowledged - landed} acknowledged events not found in the store`);
      // The service's warnings and errors (pino levels 40 and up), e.g. a failing load.
      const problems = service
        .log()
        .split("\n")
        .filter((line) => /"level":(4|5|6)0/.test(line));
      for (const line of problems.slice(0, 5)) console.log(`service: ${line.slice(0, 400)}`);
    }
    if (single) {
      console.log(
        `single-event req/s vs bare server: ${(single.reqPerSec / bareRun.reqPerSec).toFixed(2)} (target ≥ 0.5)`,
      );
    }
    console.log(
      `peak RSS of the service: ${peakRssMb(service.child.pid as number).toFixed(0)} MB (target ≤ 300)`,
    );
  } finally {
    service.child.kill("SIGTERM");
    await new Promise((r) => service.child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
    await clickhouse?.close();
  }
}

await main();
