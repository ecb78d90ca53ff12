import { describe, expect, it } from "vitest";
import { SessionStore, sessionIdFrom } from "../../src/web/session-store.js";

describe("web session store", () => {
  it("opens random sessions bound to the admin token they were opened with", () => {
    const store = new SessionStore();
    const a = store.open("token-a");
    const b = store.open("token-a");
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.check(a.id, "token-a")).toBe(a.expiresAt);
    expect(store.check(a.id, "token-b")).toBeNull();
    expect(store.check("unknown", "token-a")).toBeNull();
  });

  it("forgets sessions when they expire or are closed", () => {
    let now = 1_000_000;
    const store = new SessionStore(60_000, () => now);
    const s = store.open("t");
    now += 59_999;
    expect(store.check(s.id, "t")).not.toBeNull();
    now += 1;
    expect(store.check(s.id, "t")).toBeNull();
    const t = store.open("t");
    store.close(t.id);
    expect(store.check(t.id, "t")).toBeNull();
  });

  it("reads its cookie among others and refuses malformed ids", () => {
    expect(sessionIdFrom("a=1; glimpse_session=abc_DEF-9; b=2")).toBe("abc_DEF-9");
    expect(sessionIdFrom("glimpse_session=bad id")).toBeNull();
    expect(sessionIdFrom("other=1")).toBeNull();
    expect(sessionIdFrom(undefined)).toBeNull();
  });
});
