/** A real `glimpse serve` child process (bin/glimpse.cjs), for tests that kill or scale it. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
}

/**
 * Starts `glimpse serve` on a free port with `env` (GLIMPSE_DATA_DIR among it; the demo off)
 * and resolves once it is listening.
 */
export function serveProcess(env: Record<string, string>): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["bin/glimpse.cjs", "serve", "--port", "0", "--host", "127.0.0.1"],
      {
        cwd: ROOT,
        env: { ...process.env, GLIMPSE_DEMO: "false", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Glimpse listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`serve exited (${code}) before listening: ${output}`)),
    );
  });
}
