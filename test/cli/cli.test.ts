/** The `glimpse` command line, run as a child process from the built package (bin/glimpse.cjs). */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/glimpse.cjs");
const DAY_MS = 24 * 3600 * 1000;
/** The children's working directory: whatever a command writes to ./.glimpse lands here. */
const CWD = mkdtempSync(join(tmpdir(), "glimpse-cli-cwd-"));

/** The environment without any Glimpse setting of the machine running the tests. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("GLIMPSE_") || key === "PORT" || key === "HOST") continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: CWD,
      env: baseEnv({ GLIMPSE_DEMO: "false", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

interface Served {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the "listening" line. */
  startMs: number;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `glimpse serve --port 0` and resolves once it logs its URL and /healthz answers. */
async function serve(
  dataDir: string,
  env: Record<string, string | undefined> = { GLIMPSE_DEMO: "false" },
  timeoutMs = 30_000,
): Promise<Served> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir],
    { cwd: CWD, env: baseEnv(env), stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("close", (code, signal) => {
      running.delete(child);
      done({ code, signal });
    }),
  );
  let url: string | null = null;
  while (!url) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`glimpse serve exited early (${child.exitCode}): ${stdout}${stderr}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`glimpse serve did not start in ${timeoutMs} ms: ${stdout}${stderr}`);
    url = /Glimpse listening on (http:\/\/[^\s"]+)/.exec(stdout)?.[1] ?? null;
    if (!url) await new Promise((r) => setTimeout(r, 25));
  }
  const startMs = Date.now() - started;
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  return { child, url, startMs, stdout: () => stdout, stderr: () => stderr, exit };
}

async function stop(served: Served) {
  served.child.kill("SIGTERM");
  return served.exit;
}

/** Opens a data dir's store directly (no service may hold it) and runs `fn` on it. */
async function withStore<T>(dataDir: string, fn: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const store = await DuckDbStore.open(await openDuckDb(dataDir));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-cli-"));
  dirs.push(dir);
  return join(dir, "data");
};

afterEach(async () => {
  for (const child of running) {
    child.kill("SIGKILL");
  }
  running.clear();
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  rmSync(CWD, { recursive: true, force: true });
});

describe("glimpse --help", () => {
  it("lists the commands", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["serve", "projects", "generate"]) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("lists the projects subcommands", async () => {
    const result = await run(["projects", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+create .*<id>/m);
    expect(result.stdout).toMatch(/^\s+list\b/m);
  });
});

describe("glimpse projects", () => {
  it("creates a project and prints it with its app id, then lists it", async () => {
    const dataDir = freshDir();
    const created = await run([
      "projects",
      "create",
      "shop",
      "--name",
      "My shop",
      "--repository",
      "/srv/shop-dashboards",
      "--data-dir",
      dataDir,
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const project = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(project).toMatchObject({
      id: "shop",
      name: "My shop",
      repository: "/srv/shop-dashboards",
      appId: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      createdAt: expect.any(String),
    });

    expect((await run(["projects", "create", "blog", "--data-dir", dataDir])).code).toBe(0);
    const list = await run(["projects", "list", "--data-dir", dataDir]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]?.split("\t").slice(0, 3)).toEqual([
      "blog",
      expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      "blog",
    ]);
    expect(lines[1]?.split("\t")).toEqual([
      "shop",
      project.appId,
      "My shop",
      "/srv/shop-dashboards",
    ]);
  });

  it("takes the data dir from GLIMPSE_DATA_DIR", async () => {
    const dataDir = freshDir();
    expect((await run(["projects", "create", "envdir"], { GLIMPSE_DATA_DIR: dataDir })).code).toBe(
      0,
    );
    const list = await run(["projects", "list", "--data-dir", dataDir]);
    expect(list.stdout).toMatch(/^envdir\t/);
    expect((await run(["projects", "list"], { GLIMPSE_DATA_DIR: dataDir })).stdout).toBe(
      list.stdout,
    );
    // Nothing went to the default data dir.
    expect(existsSync(join(CWD, ".glimpse"))).toBe(false);
  });

  it("uses ./.glimpse by default", async () => {
    const local = mkdtempSync(join(tmpdir(), "glimpse-cli-default-"));
    dirs.push(local);
    const created = await new Promise<number | null>((done) =>
      spawn(process.execPath, [BIN, "projects", "create", "local"], {
        cwd: local,
        env: baseEnv(),
        stdio: "ignore",
      }).on("close", done),
    );
    expect(created).toBe(0);
    expect(existsSync(join(local, ".glimpse", "glimpse.duckdb"))).toBe(true);
  });

  it("lists nothing in a fresh data dir", async () => {
    const list = await run(["projects", "list", "--data-dir", freshDir()]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe("");
  });

  it.each([
    ["uppercase", "Shop"],
    ["dash", "my-shop"],
    ["path traversal", "../x"],
    ["too long", "a".repeat(65)],
  ])("refuses a bad id (%s) with a clear message", async (_label, id) => {
    const dataDir = freshDir();
    const result = await run(["projects", "create", id, "--data-dir", dataDir]);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr.trim()).toBe(
      `glimpse: invalid project id ${JSON.stringify(id)}: project id must be 1-64 characters of a-z, 0-9 and _`,
    );
    // A message, not a stack trace.
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect((await run(["projects", "list", "--data-dir", dataDir])).stdout).toBe("");
  });

  it("refuses a duplicate id with a clear message", async () => {
    const dataDir = freshDir();
    expect((await run(["projects", "create", "twice", "--data-dir", dataDir])).code).toBe(0);
    const again = await run(["projects", "create", "twice", "--data-dir", dataDir]);
    expect(again.code).not.toBe(0);
    expect(again.code).not.toBeNull();
    expect(again.stderr.trim()).toBe("glimpse: project twice already exists");
  });
});

describe("glimpse generate", () => {
  it("generates N events over D days ending now, straight into the store", async () => {
    const dataDir = freshDir();
    expect((await run(["projects", "create", "shop", "--data-dir", dataDir])).code).toBe(0);
    const before = Date.now();
    const result = await run([
      "generate",
      "shop",
      "--events",
      "5000",
      "--days",
      "7",
      "--data-dir",
      dataDir,
    ]);
    const after = Date.now();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^generated 5000 events for shop in /);

    const stats = await withStore(dataDir, async (store) => {
      const [row] = await store.query(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids,
                epoch_ms(min(collector_tstamp)) AS first, epoch_ms(max(collector_tstamp)) AS last,
                count(DISTINCT CAST(collector_tstamp AS DATE)) AS days,
                count(*) FILTER (WHERE project_id <> 'shop') AS others
         FROM events`,
      );
      return {
        n: Number(row?.n),
        ids: Number(row?.ids),
        first: Number(row?.first),
        last: Number(row?.last),
        days: Number(row?.days),
        others: Number(row?.others),
      };
    });
    expect(stats.n).toBe(5000);
    expect(stats.ids).toBe(5000);
    expect(stats.others).toBe(0);
    expect(stats.last).toBeLessThanOrEqual(after);
    expect(stats.first).toBeGreaterThanOrEqual(before - 7 * DAY_MS - 60_000);
    // Spread over the whole period, not bunched at one end.
    expect(stats.last - stats.first).toBeGreaterThan(6 * DAY_MS);
    expect(stats.last).toBeGreaterThan(before - DAY_MS);
    expect(stats.days).toBeGreaterThanOrEqual(7);
  });

  it("fails clearly for an unknown project", async () => {
    const dataDir = freshDir();
    const result = await run(["generate", "nope", "--events", "10", "--data-dir", dataDir]);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr.trim()).toBe(
      "glimpse: project nope does not exist; create it with: glimpse projects create nope",
    );
  });

  it.each([
    ["zero", "0"],
    ["negative", "-5"],
    ["not a number", "many"],
  ])("refuses --events %s", async (_label, value) => {
    const result = await run(["generate", "shop", "--events", value, "--data-dir", freshDir()]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--events must be a positive integer");
  });

  it("requires --events", async () => {
    const result = await run(["generate", "shop", "--data-dir", freshDir()]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--events");
  });
});

describe("glimpse serve", () => {
  it.each([
    ["PORT=abc", { PORT: "abc" }, [], "PORT"],
    ["--port abc", {}, ["--port", "abc"], "PORT"],
    ["PORT=70000", { PORT: "70000" }, [], "PORT"],
    ["GLIMPSE_DEMO=maybe", { GLIMPSE_DEMO: "maybe" }, [], "GLIMPSE_DEMO"],
    ["GLIMPSE_API_SECRET too short", { GLIMPSE_API_SECRET: "short" }, [], "GLIMPSE_API_SECRET"],
  ] as Array<[string, Record<string, string>, string[], string]>)(
    "refuses to start with %s, printing one line naming the setting",
    async (_label, env, args, setting) => {
      const dataDir = freshDir();
      const result = await run(["serve", "--data-dir", dataDir, ...args], {
        GLIMPSE_DEMO: undefined,
        ...env,
      });
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^glimpse: .*\\b${setting}\\b`));
      expect(result.stdout).toBe("");
    },
  );

  it("prints the admin token on the first start only", async () => {
    const dataDir = freshDir();
    const first = await serve(dataDir);
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    const mentions = first.stdout().split(token).length - 1;
    expect(mentions).toBe(1);
    expect(first.stdout()).toContain(`admin token (stored in ${dataDir}/admin-token): ${token}`);
    // The token works against the admin API.
    const list = await fetch(`${first.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    expect((await stop(first)).code).toBe(0);

    const second = await serve(dataDir);
    const stillValid = await fetch(`${second.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stillValid.status).toBe(200);
    expect((await stop(second)).code).toBe(0);
    expect(second.stdout()).not.toContain(token);
    expect(second.stderr()).not.toContain(token);
    expect(second.stdout()).not.toMatch(/admin token/i);
  });

  it("does not print a token given by GLIMPSE_ADMIN_TOKEN", async () => {
    const dataDir = freshDir();
    const token = "configured-admin-token-123";
    const served = await serve(dataDir, { GLIMPSE_DEMO: "false", GLIMPSE_ADMIN_TOKEN: token });
    const list = await fetch(`${served.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    expect((await stop(served)).code).toBe(0);
    expect(served.stdout()).not.toContain(token);
    expect(served.stdout()).not.toMatch(/admin token/i);
  });

  it("while running holds the store: projects create and generate say so", async () => {
    const dataDir = freshDir();
    const served = await serve(dataDir);
    try {
      const create = await run(["projects", "create", "other", "--data-dir", dataDir]);
      expect(create.code).not.toBe(0);
      expect(create.code).not.toBeNull();
      expect(create.stderr).toContain("a running Glimpse service holds the store");
      expect(create.stderr).toContain("/api/v1/projects");
      expect(create.stderr).not.toMatch(/^\s+at /m);

      const generate = await run(["generate", "other", "--events", "10", "--data-dir", dataDir]);
      expect(generate.code).not.toBe(0);
      expect(generate.stderr).toContain("a running Glimpse service holds the store");

      // The service is unharmed.
      expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    } finally {
      expect((await stop(served)).code).toBe(0);
    }
    // Once it has stopped, the store is free again.
    expect((await run(["projects", "create", "other", "--data-dir", dataDir])).code).toBe(0);
  });

  it("on SIGTERM flushes acknowledged events into the store and exits 0", async () => {
    const dataDir = freshDir();
    const created = await run(["projects", "create", "shop", "--data-dir", dataDir]);
    const { appId } = JSON.parse(created.stdout) as { appId: string };
    const served = await serve(dataDir);
    const response = await fetch(`${served.url}/com.snowplowanalytics.snowplow/tp2`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
        data: [
          {
            e: "pv",
            aid: appId,
            url: "https://a.example/",
            eid: "8c1f2bde-58c4-4b67-9df5-0d2cfa5b6f41",
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1 });

    const exit = await stop(served);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(served.stdout()).toContain("SIGTERM: stopping");

    const rows = await withStore(dataDir, (store) =>
      store.query("SELECT event_id, page_url FROM events WHERE project_id = 'shop'"),
    );
    expect(rows).toEqual([
      { event_id: "8c1f2bde-58c4-4b67-9df5-0d2cfa5b6f41", page_url: "https://a.example/" },
    ]);
  });

  it("creates the demo project with 30 days of traffic on first start (GLIMPSE_DEMO unset)", async () => {
    const dataDir = freshDir();
    const served = await serve(dataDir, {}, 60_000);
    console.log(`demo start: ${served.startMs} ms from spawn to listening`);
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    const demo = await fetch(`${served.url}/api/v1/projects/demo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(demo.status).toBe(200);
    expect(await demo.json()).toMatchObject({ id: "demo", name: "Demo shop" });
    expect((await stop(served)).code).toBe(0);

    const stats = await withStore(dataDir, async (store) => {
      const [row] = await store.query(
        `SELECT count(*) AS n, epoch_ms(min(collector_tstamp)) AS first,
                epoch_ms(max(collector_tstamp)) AS last,
                count(DISTINCT page_urlpath) AS pages, count(DISTINCT event_type) AS types
         FROM events WHERE project_id = 'demo'`,
      );
      return row ?? {};
    });
    expect(Number(stats.n)).toBe(150_000);
    expect(Number(stats.last) - Number(stats.first)).toBeGreaterThan(29 * DAY_MS);
    expect(Number(stats.pages)).toBeGreaterThanOrEqual(15);
    expect(Number(stats.types)).toBeGreaterThanOrEqual(3);

    // The second start keeps the demo as it is.
    const again = await serve(dataDir, {});
    expect((await stop(again)).code).toBe(0);
    const count = await withStore(dataDir, async (store) => {
      const [row] = await store.query("SELECT count(*) AS n FROM events");
      return Number(row?.n);
    });
    expect(count).toBe(150_000);
  }, 120_000);

  it("GLIMPSE_DEMO=false skips the demo", async () => {
    const dataDir = freshDir();
    const served = await serve(dataDir, { GLIMPSE_DEMO: "false" });
    expect((await stop(served)).code).toBe(0);
    expect((await run(["projects", "list", "--data-dir", dataDir])).stdout).toBe("");
  });
});
