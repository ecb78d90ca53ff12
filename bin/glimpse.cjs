#!/usr/bin/env node
// DuckDB's statements and the write-ahead log's writes and fsyncs share libuv's thread pool;
// with its default 4 threads a long bulk load makes acknowledgements wait. The size is read
// when the pool starts, which an ES module entry point is already too late for: this file is
// CommonJS so it can set it before anything else is loaded.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || "16";
import("../dist/cli/main.js");
