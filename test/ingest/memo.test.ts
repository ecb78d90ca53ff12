import { describe, expect, it } from "vitest";
import { BoundedMemo } from "../../src/ingest/memo.js";

describe("BoundedMemo", () => {
  it("computes a key once, whether it repeats at once or later", () => {
    const memo = new BoundedMemo<string>(10);
    const computed: string[] = [];
    const upper = (key: string) => {
      computed.push(key);
      return key.toUpperCase();
    };
    // Keys built at run time, as JSON.parse gives them: equal text, different strings.
    const key = (text: string) => [...text].join("");
    for (const k of ["a", "a", "b", "a", "b", "b"])
      expect(memo.get(key(k), upper)).toBe(k.toUpperCase());
    expect(computed).toEqual(["a", "b"]);
  });

  it("forgets everything when full, and after clear", () => {
    const memo = new BoundedMemo<number>(2);
    let calls = 0;
    const length = (key: string) => {
      calls++;
      return key.length;
    };
    for (const k of ["x", "yy", "zzz"]) memo.get(k, length);
    expect(calls).toBe(3);
    memo.get("x", length); // forgotten when "zzz" filled the memo
    expect(calls).toBe(4);
    memo.clear();
    memo.get("x", length); // the last key is forgotten too
    expect(calls).toBe(5);
  });
});
