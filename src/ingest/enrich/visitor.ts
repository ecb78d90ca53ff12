/**
 * Privacy-preserving visitor ids for anonymous events (no cookie, no user id): a hash of a
 * daily random salt, the project, the IP and the user agent, as Plausible and Umami do.
 * The salt lives in the data dir only for its day, so yesterday's ids cannot be recomputed.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BoundedMemo } from "../memo.js";

export class VisitorHasher {
  private day = "";
  private dayNumber = -1;
  private salt = "";
  /** Today's ids by (project, IP, agent): a visitor's later events skip the hash. */
  private readonly today = new BoundedMemo<string>(100_000);

  constructor(private readonly dataDir: string | null) {}

  visitorId(projectId: string, ip: string, userAgent: string, at: number): string {
    const dayNumber = Math.floor(at / 86_400_000);
    if (dayNumber !== this.dayNumber) {
      this.salt = this.saltFor(new Date(at).toISOString().slice(0, 10));
      this.dayNumber = dayNumber;
      this.today.clear();
    }
    return this.today.get(`${projectId}\0${ip}\0${userAgent}`, (key) =>
      createHash("sha256").update(`${this.salt}\0${key}`).digest("base64url").slice(0, 22),
    );
  }

  private saltFor(day: string): string {
    if (day === this.day) return this.salt;
    const file = this.dataDir ? join(this.dataDir, "visitor-salt.json") : null;
    let stored: { day?: string; salt?: string } = {};
    if (file) {
      try {
        stored = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        // First start, or an unreadable file: a fresh salt is the safe answer.
      }
    }
    if (stored.day === day && stored.salt) {
      this.salt = stored.salt;
    } else {
      this.salt = randomBytes(32).toString("base64url");
      if (file) writeFileSync(file, JSON.stringify({ day, salt: this.salt }), { mode: 0o600 });
    }
    this.day = day;
    return this.salt;
  }
}
