/** Real git repositories in temp folders, for tests of what is committed versus what is not. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const IDENTITY = [
  "-c",
  "user.name=Glimpse Test",
  "-c",
  "user.email=test@glimpse.invalid",
  "-c",
  "commit.gpgsign=false",
];

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", [...IDENTITY, "-C", dir, ...args], { encoding: "utf8" }).trim();
}

export interface TestRepo {
  dir: string;
  write(files: Record<string, string>): void;
  /** Stages everything and commits; returns the new commit id. */
  commit(message?: string): string;
  cleanup(): void;
}

export function createRepo(files: Record<string, string> = {}): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), "glimpse-dash-"));
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  const repo: TestRepo = {
    dir,
    write(more) {
      for (const [path, text] of Object.entries(more)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    },
    commit(message = "update dashboards") {
      git(dir, "add", "-A");
      git(dir, "commit", "-q", "--allow-empty", "-m", message);
      return git(dir, "rev-parse", "HEAD");
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  repo.write(files);
  return repo;
}

/** The Cube members of reference §5, standing in for the query engine's compiled model. */
export const REFERENCE_MEMBERS = new Set([
  ...["count", "uniqueUsersCount", "pageViewsCount", "linkClicksCount"].map(
    (m) => `TrackedEvents.${m}`,
  ),
  ...[
    "eventId",
    "event",
    "eventType",
    "eventName",
    "customEventName",
    "pageUrl",
    "pageUrlpath",
    "pageTitle",
    "agentName",
    "agentVersion",
    "userId",
    "derivedTstamp",
  ].map((m) => `TrackedEvents.${m}`),
  ...["count", "uniqueUsersCount", "averagePerUser", "averageDurationMinutes", "repeatPercent"].map(
    (m) => `Sessions.${m}`,
  ),
  ...["agentName", "agentVersion", "startAt", "endAt", "userId"].map((m) => `Sessions.${m}`),
]);

export const hasReferenceMember = (name: string) => REFERENCE_MEMBERS.has(name);

export const V2 = ".gitlab/analytics/dashboards";
export const V1 = ".gitlab/product_analytics/dashboards";
