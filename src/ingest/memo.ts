/**
 * A bounded memo for collector lookups whose inputs repeat (user agents, page URLs, visitors,
 * Snowplow contexts):
 * the hot path pays one Map lookup instead of a parse or a hash. When full it forgets
 * everything at once, which is cheaper than LRU bookkeeping on every hit.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: (key: string) => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
