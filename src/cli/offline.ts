/**
 * Opens the data dir directly for CLI commands that run without a service (project creation,
 * traffic generation). When a running service holds the store, says so and how to proceed.
 */
import { resolve } from "node:path";
import { loadConfig } from "../config/config.js";
import { StoreBusyError } from "../store/duckdb-database.js";
import { openStorage } from "../store/open-storage.js";

export class CliError extends Error {}

export async function openOffline(dataDir: string) {
  try {
    // The store and metadata as the environment configures them (GLIMPSE_STORE, DATABASE_URL).
    return await openStorage({ ...loadConfig(process.env), GLIMPSE_DATA_DIR: dataDir });
  } catch (error) {
    if (error instanceof StoreBusyError) {
      throw new CliError(
        `a running Glimpse service holds the store in ${resolve(dataDir)} (${error.message.split("(").pop()?.replace(/\)$/, "")}); ` +
          "stop it first, or use its admin API (POST /api/v1/projects)",
      );
    }
    throw error;
  }
}
