#!/usr/bin/env node
// DuckDB's statements and the write-ahead log's writes and fsyncs share libuv's thread pool;
// with its default 4 threads a long bulk load makes acknowledgements wait. The size is read
// when the pool starts, which an ES module entry point is already too late for: this file is
// CommonJS so it can set it before anything else is loaded.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || "16";
// DuckDB's own jemalloc keeps freed pages for 10 s (its default decay) before returning them,
// so bulk loads left hundreds of MB resident that DuckDB no longer used. After 1 s instead,
// the batched bench's peak RSS was 739–795 MB (710–889 before) at about the same speed; at 0
// it was 656–696 MB but each event cost ~20% more CPU (pages given back and faulted in again).
// Read when the library loads, so set here; an operator's own setting wins.
process.env.DUCKDB_JE_MALLOC_CONF =
  process.env.DUCKDB_JE_MALLOC_CONF || "dirty_decay_ms:1000,muzzy_decay_ms:0";
// V8 lets the old generation grow to a multiple of what was live after the last full
// collection (up to 4x when collections are cheap). Under the batched bench that was ~100 MB of
// garbage over ~30 MB live. At 1.5x, full collections run more often but each is small: V8's
// heap peaked at ~70 MB instead of ~150, at the same CPU per event. Read at each collection,
// so it can be set here, before the service allocates; an operator's own flag wins.
if (!process.execArgv.some((flag) => flag.startsWith("--heap-growing-percent"))) {
  require("node:v8").setFlagsFromString("--heap-growing-percent=50");
}
import("../dist/cli/main.js");
