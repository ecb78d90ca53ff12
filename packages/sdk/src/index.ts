/**
 * Glimpse's browser tracking SDK: GitLab's `glClientSDK` API over the Snowplow tracker
 * protocol. The script-tag build (`glimpse.min.js`) exposes this module as `window.glSDK`.
 *
 * @example
 * import { glClientSDK } from "@glimpse/sdk";
 * const gl = glClientSDK({ appId: "a1b2c3", host: "https://glimpse.example.com" });
 * gl.identify("user-1", { plan: "pro" });
 */
export { glClientSDK } from "./client.js";
export type * from "./types.js";
