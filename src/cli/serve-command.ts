/**
 * `glimpse serve`: start the service, create the demo project on first start, print the
 * generated credentials once, and stop gracefully on SIGTERM/SIGINT.
 */
import type { Config } from "../config/config.js";
import { type Service, startService } from "../server/service.js";
import { generateInto } from "./generate-command.js";

export const DEMO_PROJECT = "demo";
const DEMO_EVENTS = 150_000;

export async function serve(config: Config): Promise<void> {
  // A fatal store error stops the service and exits non-zero, for its supervisor (systemd,
  // Docker) to start it again and load what the log kept; `stopForFatal` is set once the
  // service exists, and called then if the store failed while it started.
  let fatal = false;
  let stopForFatal = () => {};
  const service = await startService(config, {
    onFatal: () => {
      fatal = true;
      stopForFatal();
    },
  });
  const { ctx, app } = service;
  if (ctx.secrets.generated.includes("adminToken")) {
    // Printed once, on the start that generated it; afterwards it is only in the data dir (0600).
    console.log(
      `\nGlimpse admin token (stored in ${config.GLIMPSE_DATA_DIR}/admin-token): ${ctx.secrets.adminToken}\n`,
    );
  }
  // Signals are handled from here on, also while the demo is being generated: a stop then
  // waits for the generation to finish before the store closes.
  let demo: Promise<unknown> = Promise.resolve();
  const shutdown = async (signal: string, code = 0) => {
    app.log.info(`${signal}: stopping (flushing the write-ahead log)`);
    await demo.catch(() => {});
    try {
      await service.stop();
      process.exit(code);
    } catch (error) {
      // Nothing acknowledged is lost: the write-ahead log keeps it for the next start.
      app.log.error(
        { err: error },
        "stopped without loading everything; the write-ahead log keeps the rest",
      );
      process.exit(1);
    }
  };
  stopForFatal = () => void shutdown("fatal store error", 1);
  if (fatal) stopForFatal();
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  if (config.GLIMPSE_DEMO && !(await ctx.projects.get(DEMO_PROJECT))) {
    demo = createDemo(service.ctx, app.log);
    try {
      await demo;
    } catch (error) {
      // A failed store is already stopping the service, with its own exit code.
      if (fatal) return;
      throw error;
    }
  }
  // Always printed, whatever the log level: scripts and people look for this line.
  console.log(`Glimpse listening on ${service.url}`);
}

async function createDemo(ctx: Service["ctx"], log: Service["app"]["log"]): Promise<void> {
  await ctx.projects.create({ id: DEMO_PROJECT, name: "Demo shop" });
  const started = Date.now();
  const n = await generateInto(ctx.store, DEMO_PROJECT, DEMO_EVENTS, 30, false);
  log.info(`demo project created with ${n} events over 30 days in ${Date.now() - started} ms`);
}
