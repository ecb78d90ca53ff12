/** Configuration from the environment, and the generated secrets kept in the data dir. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { loadSecrets, rotateApiSecret } from "../../src/config/secrets.js";

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: "0.0.0.0",
      GLIMPSE_DATA_DIR: "./.glimpse",
      GLIMPSE_DEMO: true,
      GLIMPSE_DUCKDB_MEMORY: "1GB",
      GLIMPSE_TRUST_PROXY: false,
      GLIMPSE_LOG_LEVEL: "info",
      GLIMPSE_WAL_MAX_BYTES: 512 * 1024 * 1024,
    });
    expect(config.GLIMPSE_ADMIN_TOKEN).toBeUndefined();
    expect(config.GLIMPSE_API_SECRET).toBeUndefined();
    expect(config.GLIMPSE_MODEL_DIR).toBeUndefined();
    expect(config.GLIMPSE_PUBLIC_URL).toBeUndefined();
  });

  it("treats empty values as unset", () => {
    const config = loadConfig({ PORT: "", GLIMPSE_DEMO: "", GLIMPSE_ADMIN_TOKEN: "" });
    expect(config.PORT).toBe(8080);
    expect(config.GLIMPSE_DEMO).toBe(true);
    expect(config.GLIMPSE_ADMIN_TOKEN).toBeUndefined();
  });

  it("ignores unrelated environment variables", () => {
    expect(loadConfig({ PATH: "/usr/bin", HOME: "/root" }).PORT).toBe(8080);
  });

  it("reads every setting", () => {
    const config = loadConfig({
      PORT: "9090",
      HOST: "127.0.0.1",
      GLIMPSE_DATA_DIR: "/var/lib/glimpse",
      GLIMPSE_ADMIN_TOKEN: "a".repeat(16),
      GLIMPSE_API_SECRET: "s".repeat(32),
      GLIMPSE_DEMO: "false",
      GLIMPSE_MODEL_DIR: "/srv/model",
      GLIMPSE_PUBLIC_URL: "https://collect.example.com",
      GLIMPSE_WAL_MAX_BYTES: "2000000",
      GLIMPSE_DUCKDB_MEMORY: "512MB",
      GLIMPSE_TRUST_PROXY: "yes",
      GLIMPSE_LOG_LEVEL: "debug",
      GLIMPSE_STORE: "clickhouse",
      CLICKHOUSE_URL: "http://glimpse:secret@clickhouse:8123",
      CLICKHOUSE_DATABASE_PREFIX: "gitlab_project_",
      DATABASE_URL: "postgres://glimpse@postgres:5432/glimpse",
    });
    expect(config).toEqual({
      PORT: 9090,
      HOST: "127.0.0.1",
      GLIMPSE_DATA_DIR: "/var/lib/glimpse",
      GLIMPSE_ADMIN_TOKEN: "a".repeat(16),
      GLIMPSE_API_SECRET: "s".repeat(32),
      GLIMPSE_DEMO: false,
      GLIMPSE_MODEL_DIR: "/srv/model",
      GLIMPSE_PUBLIC_URL: "https://collect.example.com",
      GLIMPSE_WAL_MAX_BYTES: 2_000_000,
      GLIMPSE_DUCKDB_MEMORY: "512MB",
      GLIMPSE_TRUST_PROXY: true,
      GLIMPSE_LOG_LEVEL: "debug",
      GLIMPSE_STORE: "clickhouse",
      CLICKHOUSE_URL: "http://glimpse:secret@clickhouse:8123",
      CLICKHOUSE_DATABASE_PREFIX: "gitlab_project_",
      DATABASE_URL: "postgres://glimpse@postgres:5432/glimpse",
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("reads GLIMPSE_DEMO=%s as %s", (value, expected) => {
    expect(loadConfig({ GLIMPSE_DEMO: value }).GLIMPSE_DEMO).toBe(expected);
  });

  it("accepts port 0 (any free port) and 65535", () => {
    expect(loadConfig({ PORT: "0" }).PORT).toBe(0);
    expect(loadConfig({ PORT: "65535" }).PORT).toBe(65535);
  });

  const expectConfigError = (env: Record<string, string>, setting: string) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(setting);
    expect(message.length).toBeLessThan(200);
    return message;
  };

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["GLIMPSE_DEMO", "maybe"],
    ["GLIMPSE_API_SECRET", "too-short"],
    ["GLIMPSE_ADMIN_TOKEN", "short"],
    ["GLIMPSE_DUCKDB_MEMORY", "lots"],
    ["GLIMPSE_DUCKDB_MEMORY", "64MB"],
    ["GLIMPSE_TRUST_PROXY", "sometimes"],
    ["GLIMPSE_LOG_LEVEL", "loud"],
    ["GLIMPSE_PUBLIC_URL", "not a url"],
    ["GLIMPSE_WAL_MAX_BYTES", "10"],
  ])("throws a one-line ConfigError naming %s for %s", (setting, value) => {
    const message = expectConfigError({ [setting]: value }, setting);
    // The offending value is quoted, unless it is a secret.
    if (!setting.includes("SECRET") && !setting.includes("TOKEN")) expect(message).toContain(value);
  });

  it("says what is wrong with the setting", () => {
    expect(
      expectConfigError({ GLIMPSE_API_SECRET: "x".repeat(10) }, "GLIMPSE_API_SECRET"),
    ).toContain("at least 32 characters");
    expect(expectConfigError({ GLIMPSE_DUCKDB_MEMORY: "lots" }, "GLIMPSE_DUCKDB_MEMORY")).toContain(
      "512MB",
    );
    expect(
      expectConfigError({ GLIMPSE_DUCKDB_MEMORY: "100MiB" }, "GLIMPSE_DUCKDB_MEMORY"),
    ).toContain("at least 128MB");
    for (const size of ["128MB", "0.5GB", "256 MiB", "2GiB"]) {
      expect(loadConfig({ GLIMPSE_DUCKDB_MEMORY: size }).GLIMPSE_DUCKDB_MEMORY).toBe(size);
    }
  });

  it("does not print a rejected secret", () => {
    const secret = "hunter2-secret";
    expect(expectConfigError({ GLIMPSE_API_SECRET: secret }, "GLIMPSE_API_SECRET")).not.toContain(
      secret,
    );
    const token = "tok-123";
    expect(expectConfigError({ GLIMPSE_ADMIN_TOKEN: token }, "GLIMPSE_ADMIN_TOKEN")).not.toContain(
      token,
    );
  });

  it("names the first bad setting when several are bad", () => {
    const message = expectConfigError({ PORT: "abc", GLIMPSE_DEMO: "maybe" }, "PORT");
    expect(message).not.toContain("GLIMPSE_DEMO");
  });
});

describe("loadSecrets", () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "glimpse-secrets-"));
    dirs.push(dir);
    return join(dir, "data");
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const mode = (path: string) => statSync(path).mode & 0o777;

  it("generates both secrets on the first call and stores them with mode 0600", () => {
    const dataDir = freshDir();
    const secrets = loadSecrets(dataDir, {});
    expect(secrets.generated.sort()).toEqual(["adminToken", "apiSecret"]);
    expect(secrets.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(secrets.apiSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secrets.adminToken).not.toBe(secrets.apiSecret);
    // The generated secrets pass the same rules as configured ones.
    expect(() =>
      loadConfig({
        GLIMPSE_ADMIN_TOKEN: secrets.adminToken,
        GLIMPSE_API_SECRET: secrets.apiSecret,
      }),
    ).not.toThrow();

    const tokenFile = join(dataDir, "admin-token");
    const secretFile = join(dataDir, "api-secret");
    expect(readFileSync(tokenFile, "utf8").trim()).toBe(secrets.adminToken);
    expect(readFileSync(secretFile, "utf8").trim()).toBe(secrets.apiSecret);
    expect(mode(tokenFile)).toBe(0o600);
    expect(mode(secretFile)).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
  });

  it("keeps mode 0600 whatever the umask", () => {
    const previous = process.umask(0);
    try {
      const dataDir = freshDir();
      loadSecrets(dataDir, {});
      expect(mode(join(dataDir, "admin-token"))).toBe(0o600);
      expect(mode(join(dataDir, "api-secret"))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it("returns the same secrets on the second call and generates nothing", () => {
    const dataDir = freshDir();
    const first = loadSecrets(dataDir, {});
    const second = loadSecrets(dataDir, {});
    expect(second).toEqual({
      adminToken: first.adminToken,
      apiSecret: first.apiSecret,
      generated: [],
    });
  });

  it("uses environment values without writing them", () => {
    const dataDir = freshDir();
    const env = { adminToken: "t".repeat(20), apiSecret: "s".repeat(40) };
    const secrets = loadSecrets(dataDir, env);
    expect(secrets).toEqual({ ...env, generated: [] });
    expect(existsSync(join(dataDir, "admin-token"))).toBe(false);
    expect(existsSync(join(dataDir, "api-secret"))).toBe(false);
  });

  it("lets environment values win over stored ones, leaving the files alone", () => {
    const dataDir = freshDir();
    const stored = loadSecrets(dataDir, {});
    const env = { adminToken: "t".repeat(20), apiSecret: "s".repeat(40) };
    expect(loadSecrets(dataDir, env)).toEqual({ ...env, generated: [] });
    expect(readFileSync(join(dataDir, "admin-token"), "utf8").trim()).toBe(stored.adminToken);
    expect(readFileSync(join(dataDir, "api-secret"), "utf8").trim()).toBe(stored.apiSecret);
  });

  it("generates only the secret the environment does not give", () => {
    const dataDir = freshDir();
    const secrets = loadSecrets(dataDir, { adminToken: "t".repeat(20) });
    expect(secrets.adminToken).toBe("t".repeat(20));
    expect(secrets.generated).toEqual(["apiSecret"]);
    expect(existsSync(join(dataDir, "admin-token"))).toBe(false);
    expect(mode(join(dataDir, "api-secret"))).toBe(0o600);
  });

  it("rotateApiSecret replaces the stored secret, still with mode 0600", () => {
    const dataDir = freshDir();
    const first = loadSecrets(dataDir, {});
    const rotated = rotateApiSecret(dataDir);
    expect(rotated).not.toBe(first.apiSecret);
    expect(loadSecrets(dataDir, {}).apiSecret).toBe(rotated);
    expect(mode(join(dataDir, "api-secret"))).toBe(0o600);
  });
});
