/**
 * Configuration from the environment (and `glimpse serve` flags, which win). Invalid values
 * stop the start with one line naming the setting.
 */
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => ["true", "1", "yes"].includes(v));

/** A size as DuckDB reads one: KB, MB, GB are powers of 1000, KiB, MiB, GiB of 1024. */
const SIZE = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)$/i;
const UNIT_BYTES: Record<string, number> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

function sizeBytes(size: string): number {
  const match = SIZE.exec(size);
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNIT_BYTES[(match[2] as string).toLowerCase()] ?? Number.NaN);
}

export const CONFIG_SCHEMA = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default("0.0.0.0"),
    GLIMPSE_DATA_DIR: z.string().min(1).default("./.glimpse"),
    GLIMPSE_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    GLIMPSE_API_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    GLIMPSE_DEMO: bool.default(true),
    GLIMPSE_MODEL_DIR: z.string().min(1).optional(),
    /** The collector URL given to SDKs (defaults to the address the service listens on). */
    GLIMPSE_PUBLIC_URL: z.url().optional(),
    /** Bytes the write-ahead log may hold before the collector answers 503. */
    GLIMPSE_WAL_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1_000_000)
      .default(512 * 1024 * 1024),
    GLIMPSE_DUCKDB_MEMORY: z
      .string()
      .regex(SIZE, "must be a size like 512MB")
      // At 64MB a bulk load's commit ran out of memory and DuckDB invalidated the database;
      // 128MB held the batched ingest bench.
      .refine((size) => sizeBytes(size) >= 128e6, "must be at least 128MB")
      .default("1GB"),
    /** Behind a reverse proxy: take the client IP from X-Forwarded-For. */
    GLIMPSE_TRUST_PROXY: bool.default(false),
    GLIMPSE_LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    /** Where events live: embedded DuckDB in the data dir, or a ClickHouse server. */
    GLIMPSE_STORE: z.enum(["duckdb", "clickhouse"]).default("duckdb"),
    /** `http://user:pass@host:8123`; required with GLIMPSE_STORE=clickhouse. */
    CLICKHOUSE_URL: z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL like http://user:pass@host:8123",
      })
      .optional(),
    /** A project's events live in the ClickHouse database `<prefix><project id>`. */
    CLICKHOUSE_DATABASE_PREFIX: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,63}$/, "must be a-z, 0-9 and _, starting with a letter or _")
      .default("glimpse_"),
    /** PostgreSQL for metadata shared by several service processes (projects, keys). */
    DATABASE_URL: z
      .url({
        protocol: /^postgres(ql)?$/,
        error: "must be a PostgreSQL URL like postgres://user:pass@host:5432/glimpse",
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (config.GLIMPSE_STORE === "clickhouse" && config.CLICKHOUSE_URL === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["CLICKHOUSE_URL"],
        message: "required when GLIMPSE_STORE=clickhouse",
      });
  });

export type Config = z.output<typeof CONFIG_SCHEMA>;

export class ConfigError extends Error {}

/** Settings whose values are secret or carry passwords. */
const SECRET_SETTINGS = new Set([
  "GLIMPSE_ADMIN_TOKEN",
  "GLIMPSE_API_SECRET",
  "CLICKHOUSE_URL",
  "DATABASE_URL",
]);

/** Parses configuration; throws ConfigError with "SETTING: reason" for the first bad one. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = CONFIG_SCHEMA.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const setting = String(issue?.path[0] ?? "configuration");
  // A rejected secret is still (nearly) a secret: the message goes to logs, so it is not quoted.
  const value = SECRET_SETTINGS.has(setting) ? "(hidden)" : JSON.stringify(env[setting]);
  throw new ConfigError(`invalid configuration: ${setting}=${value}: ${issue?.message}`);
}
