/**
 * Compiles src → dist once before the suite: the CLI, crash and benchmark-like tests run the
 * built `glimpse` command as a separate process, exactly as users do.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  execFileSync("npm", ["run", "build"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
}
