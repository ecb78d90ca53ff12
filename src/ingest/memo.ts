/**
 * A bounded memo for collector lookups whose inputs repeat (user agents, page URLs, visitors,
 * Snowplow contexts):
 * the hot path pays one Map lookup instead of a parse or a hash. When full it forgets
 * everything at once, which is cheaper than LRU bookkeeping on every hit.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();
  /**
   * The last key and its value: the events of one request mostly repeat the one before (its
   * agent, page, contexts), and comparing with it skips hashing the key, a fresh string from
   * JSON.parse each time, for the Map.
   */
  private lastKey: string | null = null;
  private lastValue: V | undefined;

  constructor(private readonly limit: number) {}

  get(key: string, compute: (key: string) => V): V {
    if (key === this.lastKey) return this.lastValue as V;
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(key, value);
    }
    this.lastKey = key;
    this.lastValue = value;
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.lastKey = null;
    this.lastValue = undefined;
  }
}
