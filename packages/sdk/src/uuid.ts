/**
 * Random (v4) UUIDs for event, page view and visitor ids. `crypto.randomUUID` exists only in
 * secure contexts, so plain-http pages fall back to `crypto.getRandomValues`.
 */
export function uuid(): string {
  return (
    crypto.randomUUID?.() ??
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (
        Number(c) ^
        ((crypto.getRandomValues(new Uint8Array(1))[0] ?? 0) & (15 >> (Number(c) / 4)))
      ).toString(16),
    )
  );
}
