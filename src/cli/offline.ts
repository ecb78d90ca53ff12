/**
 * Opens the data dir directly for CLI commands that run without a service (project creation,
 * traffic generation). When a running service holds the store, says so and how to proceed.
 */
import { resolve } from "node:path";
import { DuckDbProjectRepository } from "../projects/repository.js";
import { openDuckDb, StoreBusyError } from "../store/duckdb-database.js";
import { DuckDbStore } from "../store/duckdb-store.js";

export class CliError extends Error {}

export async function openOffline(dataDir: string) {
  try {
    const instance = await openDuckDb(dataDir);
    const store = await DuckDbStore.open(instance);
    const projects = await DuckDbProjectRepository.open(instance);
    return { store, projects };
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
