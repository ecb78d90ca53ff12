/** Closest valid names for an unknown one, for "did you mean" in 400 answers. */

/** Levenshtein distance, case-insensitive, bounded in effort by the callers' short names. */
export function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** Up to `count` candidates nearest to `name`. */
export function closest(name: string, candidates: Iterable<string>, count = 3): string[] {
  // Long inputs would make the distance costly and are never near a member name.
  const probe = name.slice(0, 80);
  return [...candidates]
    .map((c) => ({ c, d: distance(probe, c) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, count)
    .map((e) => e.c);
}
