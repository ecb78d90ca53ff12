/**
 * The SDK's environment-free building blocks (protocol, send queue, session rules, backoff),
 * exported for tests and for trackers on other runtimes. Not a stable API.
 */
export * from "./backoff.js";
export * from "./protocol.js";
export * from "./sender.js";
export * from "./visit.js";
